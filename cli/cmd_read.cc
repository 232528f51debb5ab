// read: entries as JSON Lines; stats: what is in the ledger.
#include <fmt/format.h>

#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "ledger/time_format.h"
#include "tlog/base64.h"

namespace ledger::cli {
namespace {

struct ReadArgs {
  std::string data, stream, id;
  std::string as, master_key, keys_dir;  // --as: show personal values to this key's holder
  uint64_t from = 0;
  uint64_t limit = std::numeric_limits<uint64_t>::max();
};

// One output line: the ledger's fields and the event, whose `personal` holds only digests.
// With a reader (--as), "personal_values" adds the plain values the reader may see:
// {"name": ...}, "[erased]" after shredding, or "[withheld: ...]" outside its scope.
Result<std::string> EntryLine(Ledger& ledger, const Entry& e, const SigningKey* reader) {
  LEDGER_ASSIGN_OR_RETURN(auto event_json, EventJsonFromCanonical(e.event));
  nlohmann::ordered_json j;
  j["seq"] = e.seq;
  j["version"] = e.version;
  j["recorded_at"] = FormatInstantMicros(e.recorded_at_us);
  j["key_id"] = HexEncode(e.key_id);
  j["event"] = nlohmann::ordered_json::parse(event_json);
  if (reader != nullptr) {
    auto personal = ledger.privacy().ReadPersonal(e.seq, reader->key_id());
    if (!personal.ok()) {
      if (personal.status().code() != StatusCode::kPermissionDenied) return personal.status();
      j["personal_values"] = "[withheld: " + personal.status().message() + "]";
    } else if (personal->state == PersonalValues::State::kErased) {
      j["personal_values"] = "[erased]";
    } else if (personal->state == PersonalValues::State::kPresent) {
      nlohmann::ordered_json values = nlohmann::ordered_json::object();
      for (const auto& d : personal->values) values[d.field] = d.value;
      j["personal_values"] = values;
    }
  }
  return j.dump();
}

int RunRead(const ReadArgs& a) {
  std::string dir = ResolveDataDir(a.data);
  LedgerOptions options;
  std::optional<SigningKey> reader;
  if (!a.as.empty()) {
    auto key = SigningKey::ReadFile(a.as);
    if (!key.ok()) return Fail(key.status().WithContext("--as"));
    reader = std::move(key).value();
    auto master = ResolveMasterKey(a.master_key, a.keys_dir, dir);
    if (!master.ok()) return Fail(master.status());
    options.master_key = std::move(master).value();
  }
  auto ledger = OpenForReading(dir, options);
  if (!ledger.ok()) return Fail(ledger.status());
  if (reader) {
    // Refuse a reader that may see no personal value at all before printing anything.
    bool allowed = false;
    for (const auto& k : (*ledger)->log().Keys()) {
      if (k.key_id_hex == reader->key_id_hex()) {
        if (k.revoked)
          return Fail(Status::PermissionDenied("--as: key " + k.key_id_hex + " was revoked"));
        allowed = k.role == "dpo" || k.role == "caseworker";
        if (!allowed) {
          return Fail(Status::PermissionDenied("--as: key " + k.key_id_hex + " has role " + k.role +
                                               ", which sees personal values only as "
                                               "digests"));
        }
      }
    }
    if (!allowed) {
      return Fail(Status::PermissionDenied("--as: key " + reader->key_id_hex() +
                                           " is not registered in this ledger"));
    }
  }
  std::ios::sync_with_stdio(false);
  Ledger& l = **ledger;
  const SigningKey* who = reader ? &*reader : nullptr;
  auto print = [&l, who](const Entry& e) -> Status {
    LEDGER_ASSIGN_OR_RETURN(auto line, EntryLine(l, e, who));
    std::cout << line << '\n';
    return Status::Ok();
  };
  if (!a.id.empty()) {
    auto e = (*ledger)->log().ReadId(a.id);
    if (!e.ok()) return Fail(e.status());
    if (Status s = print(*e); !s.ok()) return Fail(s);
    return kExitOk;
  }
  if (!a.stream.empty()) {
    auto entries = (*ledger)->log().ReadStream(a.stream, a.from, a.limit);
    if (!entries.ok()) return Fail(entries.status());
    if (entries->empty() && a.from == 0) {
      return Fail(Status::NotFound("no stream " + a.stream));
    }
    for (const auto& e : *entries) {
      if (Status s = print(e); !s.ok()) return Fail(s);
    }
    return kExitOk;
  }
  uint64_t total = (*ledger)->log().Size();
  Progress progress("read", total > a.from ? std::min(a.limit, total - a.from) : 0);
  auto it = (*ledger)->log().Scan(a.from);
  uint64_t n = 0;
  for (; it->Valid() && n < a.limit; it->Next()) {
    if (Status s = print(it->entry()); !s.ok()) return Fail(s);
    if (++n % 4096 == 0) progress.Update(n);
  }
  progress.Finish();
  std::cout.flush();
  if (!it->status().ok()) return Fail(it->status());
  return kExitOk;
}

int RunStats(const std::string& data_flag, const std::string& format) {
  std::string dir = ResolveDataDir(data_flag);
  auto ledger = OpenForReading(dir);
  if (!ledger.ok()) return Fail(ledger.status());
  auto info = (*ledger)->log().Info();
  auto keys = (*ledger)->log().Keys();
  size_t active_keys = 0;
  for (const auto& k : keys) active_keys += k.revoked ? 0 : 1;
  auto vkey = VerifierKey::FromPublicKey(info.identity.origin, info.identity.public_key);
  std::string vkey_text = vkey.ok() ? vkey->ToString() : "(invalid)";
  auto head = (*ledger)->audit().Head();
  auto checkpoints = (*ledger)->audit().Checkpoints();
  uint64_t checkpoint_count = checkpoints.ok() ? checkpoints->size() : 0;
  uint64_t checkpoint_size =
      checkpoints.ok() && !checkpoints->empty() ? checkpoints->rbegin()->first : 0;
  if (format == "json") {
    nlohmann::ordered_json j;
    j["origin"] = info.identity.origin;
    j["verifier_key"] = vkey_text;
    j["created_at"] = FormatInstantMicros(info.created_at_us);
    j["entries"] = info.size;
    j["streams"] = info.streams;
    j["keys"] = keys.size();
    j["active_keys"] = active_keys;
    if (info.size) j["last_recorded_at"] = FormatInstantMicros(info.last_recorded_at_us);
    j["disk_bytes"] = info.disk_bytes;
    j["tree_root"] = tlog::HashToBase64(head.root);
    j["checkpoints"] = checkpoint_count;
    j["latest_checkpoint_size"] = checkpoint_size;
    j["events_by_type"] = info.events_by_type;
    j["erasure_purges_pending"] = (*ledger)->privacy().ErasurePurge().pending;
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  Table summary({"ledger", dir});
  summary.AddRow({"origin", info.identity.origin});
  summary.AddRow({"verifier key", vkey_text});
  summary.AddRow({"created", FormatInstantMicros(info.created_at_us / 1000000 * 1000000)});
  summary.AddRow({"entries", Thousands(info.size)});
  summary.AddRow({"streams", Thousands(info.streams)});
  summary.AddRow({"keys", fmt::format("{} ({} active)", keys.size(), active_keys)});
  if (info.size) {
    summary.AddRow({"last recorded", FormatInstantMicros(info.last_recorded_at_us)});
  }
  summary.AddRow({"size on disk", fmt::format("{:.1f} MiB", info.disk_bytes / 1048576.0)});
  summary.AddRow({"tree root", tlog::HashToBase64(head.root)});
  summary.AddRow(
      {"signed checkpoints", fmt::format("{} (latest covers {} entries)",
                                         Thousands(checkpoint_count), Thousands(checkpoint_size))});
  summary.AddRow(
      {"erasure purges pending", fmt::format("{}", (*ledger)->privacy().ErasurePurge().pending)});
  fmt::print("{}\n", summary.Render());
  Table types({"event type", "count"});
  for (const auto& [type, count] : info.events_by_type) types.AddRow({type, Thousands(count)});
  fmt::print("{}", types.Render());
  return kExitOk;
}

}  // namespace

void RegisterReadCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReadArgs>();
  auto* read = app.add_subcommand(
      "read", "Print entries as JSON Lines: all from --from, one --stream, or one --id");
  read->add_option("--data", args->data, "Ledger directory");
  read->add_option("--from", args->from, "First seq (or first version with --stream)");
  read->add_option("--as", args->as,
                   "Private key file of a dpo or caseworker: adds the personal values it may see "
                   "(others see digests only)");
  read->add_option("--master-key", args->master_key,
                   "The vault's master key file, with --as (default $LEDGER_MASTER_KEY or "
                   "<keys>/master.key)");
  read->add_option("--keys", args->keys_dir,
                   "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  read->add_option("--limit", args->limit, "At most this many entries");
  read->add_option("--stream", args->stream, "Only this stream, e.g. case/yabc123");
  read->add_option("--id", args->id, "Only the event with this id");
  read->callback([=] { *exit_code = RunRead(*args); });

  auto data = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  auto* stats = app.add_subcommand("stats", "What the ledger holds: entries, streams, keys, types");
  stats->add_option("--data", *data, "Ledger directory");
  stats->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  stats->callback([=] { *exit_code = RunStats(*data, *format); });
}

}  // namespace ledger::cli
