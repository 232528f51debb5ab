// append: JSON Lines of events in, one JSON result line out per event.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/ledger.h"
#include "ledger/line_reader.h"
#include "ledger/signing_key.h"

namespace ledger::cli {
namespace {

// Lines are signed and appended in chunks of at most this many lines and bytes.
constexpr size_t kChunkLines = 2048;
constexpr size_t kChunkBytes = 16 << 20;

constexpr size_t kMaxLineBytes = 1 << 20;
constexpr size_t kMaxAtomicEvents = 10000;

struct AppendArgs {
  std::vector<std::string> keys;
  std::string data, input = "-", ledger_key, keys_dir, master_key;
  bool atomic = false;
  bool errors_only = false;
};

struct Line {
  uint64_t number = 0;  // 1-based
  std::string text;
  Status refused;  // refused while it was read (too long): `text` is empty
};

// The author keys by the role the ledger registered them with; a single key signs everything.
struct AuthorKeys {
  std::vector<SigningKey> keys;
  std::map<std::string, size_t> by_role;

  const SigningKey* For(const nlohmann::json& event) const {
    if (keys.size() == 1) return &keys[0];
    // An event without a role is refused for its shape anyway.
    if (!event.is_object()) return &keys[0];
    auto actor = event.find("actor");
    if (actor == event.end() || !actor->is_object()) return &keys[0];
    auto role = actor->find("role");
    if (role == actor->end() || !role->is_string()) return &keys[0];
    auto it = by_role.find(role->get<std::string>());
    return it == by_role.end() ? nullptr : &keys[it->second];
  }
};

// One line to a signed event: parsed strictly once, signed with the key of its actor's role.
// *id gets the event's id if it has one.
Result<SignedEvent> SignLine(const Line& line, const AuthorKeys& keys, std::string* id) {
  if (!line.refused.ok()) return line.refused;
  LEDGER_ASSIGN_OR_RETURN(nlohmann::json event, ParseEventJson(line.text));
  const SigningKey* key = keys.For(event);
  if (key == nullptr) {
    return Status::PermissionDenied(
        "actor.role: none of the --key keys is registered with this role");
  }
  if (event.is_object()) {
    auto it = event.find("id");
    if (it != event.end() && it->is_string()) *id = it->get<std::string>();
  }
  return SignEventJsonValue(std::move(event), *key);
}

// Signs every line on all cores; a line that cannot be turned into an event keeps its error.
// ids[i] gets the id of line i's event.
std::vector<Result<SignedEvent>> SignLines(const std::vector<Line>& lines, const AuthorKeys& keys,
                                           std::vector<std::string>* ids) {
  std::vector<Result<SignedEvent>> out(lines.size(), Status::Unavailable("not signed"));
  ids->assign(lines.size(), std::string());
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<size_t>(1, lines.size() / 64));
  auto work = [&](size_t t) {
    for (size_t i = t; i < lines.size(); i += threads)
      out[i] = SignLine(lines[i], keys, &(*ids)[i]);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  return out;
}

class ResultWriter {
 public:
  explicit ResultWriter(bool errors_only) : errors_only_(errors_only) {}
  void Ok(uint64_t line, const std::string& id, const AppendResult& r) {
    r.duplicate ? ++duplicates_ : ++appended_;
    if (errors_only_) return;
    nlohmann::ordered_json j;
    j["line"] = line;
    j["ok"] = true;
    j["id"] = id;
    j["seq"] = r.seq;
    j["version"] = r.version;
    j["duplicate"] = r.duplicate;
    std::cout << Dump(j) << '\n';
  }
  void Error(uint64_t line, const Status& s) {
    ++refused_;
    nlohmann::ordered_json j;
    j["line"] = line;
    j["ok"] = false;
    j["error"] = StatusCodeName(s.code());
    // "line 2, column 17: ..." where the message names a column, else "line 2: ...".
    const std::string& m = s.message();
    j["message"] = "line " + std::to_string(line) + (m.starts_with("column ") ? ", " : ": ") + m;
    std::cout << Dump(j) << '\n';
    if (first_error_.ok()) first_error_ = s;
  }
  uint64_t appended_ = 0, duplicates_ = 0, refused_ = 0;
  Status first_error_;

 private:
  // A message that quotes input cut short could end inside a UTF-8 sequence: print a
  // replacement character rather than fail.
  static std::string Dump(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }

  bool errors_only_;
};

int RunAppend(const AppendArgs& a) {
  AuthorKeys author_keys;
  for (const auto& path : a.keys) {
    auto key = SigningKey::ReadFile(path);
    if (!key.ok()) return Fail(key.status());
    author_keys.keys.push_back(std::move(key).value());
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  uint64_t total_bytes = 0;
  if (a.input != "-") {
    file.open(a.input, std::ios::binary | std::ios::ate);
    if (!file) return Fail(Status::NotFound("cannot read " + a.input));
    total_bytes = static_cast<uint64_t>(file.tellg());
    file.seekg(0);
    in = &file;
  }
  auto options = WriterOptions(a.ledger_key, a.keys_dir);
  if (!options.ok()) return Fail(options.status());
  auto master = ResolveMasterKey(a.master_key, a.keys_dir, ResolveDataDir(a.data));
  if (!master.ok()) return Fail(master.status());
  options->master_key = std::move(master).value();
  auto ledger = Ledger::Open(ResolveDataDir(a.data), *options);
  if (!ledger.ok()) return Fail(ledger.status());
  std::ios::sync_with_stdio(false);
  for (const auto& registered : (*ledger)->log().Keys()) {
    for (size_t i = 0; i < author_keys.keys.size(); ++i) {
      if (author_keys.keys[i].key_id_hex() == registered.key_id_hex && !registered.revoked) {
        author_keys.by_role[registered.role] = i;
      }
    }
  }

  ResultWriter out(a.errors_only);
  Progress progress("append (bytes)", total_bytes);
  auto start = std::chrono::steady_clock::now();
  std::vector<Line> chunk;
  size_t chunk_bytes = 0;
  std::vector<Line> all;  // --atomic keeps every line until the end

  auto flush_chunk = [&](std::vector<Line>& lines) {
    std::vector<std::string> ids;
    auto signed_events = SignLines(lines, author_keys, &ids);
    std::vector<SignedEvent> batch;
    std::vector<size_t> index;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (signed_events[i].ok()) {
        batch.push_back(std::move(signed_events[i]).value());
        index.push_back(i);
      }
    }
    if (a.atomic) {
      for (size_t i = 0; i < lines.size(); ++i) {
        if (!signed_events[i].ok()) {
          const Status& s = signed_events[i].status();
          out.Error(lines[i].number,
                    Status(s.code(), s.message() + " (the atomic batch was refused, nothing "
                                                   "appended)"));
          return;
        }
      }
      auto r = (*ledger)->log().AppendAtomic(batch);
      if (!r.ok()) {
        // The ledger names the batch index ("event N of the atomic batch"); name the line.
        const std::string& m = r.status().message();
        uint64_t line = lines.empty() ? 0 : lines.front().number;
        if (m.starts_with("event ")) {
          size_t n = std::strtoull(m.c_str() + 6, nullptr, 10);
          if (n < index.size()) line = lines[index[n]].number;
        }
        out.Error(line, Status(r.status().code(), m + " (nothing was appended)"));
        return;
      }
      for (size_t k = 0; k < r->size(); ++k) out.Ok(lines[index[k]].number, ids[index[k]], (*r)[k]);
      return;
    }
    auto results = (*ledger)->log().AppendEach(batch);
    size_t k = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!signed_events[i].ok()) {
        out.Error(lines[i].number, signed_events[i].status());
        continue;
      }
      auto& r = results[k++];
      if (r.ok()) {
        out.Ok(lines[i].number, ids[i], *r);
      } else {
        out.Error(lines[i].number, r.status());
      }
    }
  };

  // Lines are read in bounded chunks: an over-long line is refused while it is read and the
  // rest of it skipped, never held (docs/cli.md, "Appending").
  LineReader reader(*in, kMaxLineBytes);
  while (true) {
    LineReader::Next next = reader.Read();
    if (next.kind == LineReader::Kind::kEnd) break;
    if (next.kind == LineReader::Kind::kError) {
      return Fail(Status::IOError("reading the input failed"));
    }
    Line line{next.number, std::string(), Status::Ok()};
    if (next.kind == LineReader::Kind::kTooLong) {
      line.refused = Status::InvalidArgument(
          "column " + std::to_string(kMaxLineBytes + 1) +
          ": line longer than 1 MiB (1048576 bytes); the rest of it was skipped");
    } else if (next.text.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;  // blank
    } else {
      line.text = std::string(next.text);
    }
    if (a.atomic) {
      if (all.size() >= kMaxAtomicEvents) {
        return Fail(
            Status::InvalidArgument("an atomic batch may hold at most 10,000 events; "
                                    "nothing was appended"));
      }
      all.push_back(std::move(line));
      continue;
    }
    chunk_bytes += line.text.size();
    chunk.push_back(std::move(line));
    if (chunk.size() >= kChunkLines || chunk_bytes >= kChunkBytes) {
      flush_chunk(chunk);
      chunk.clear();
      chunk_bytes = 0;
      progress.Update(reader.bytes_consumed());
    }
  }
  if (a.atomic) {
    flush_chunk(all);
  } else if (!chunk.empty()) {
    flush_chunk(chunk);
  }
  progress.Finish();
  std::cout.flush();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t done = out.appended_ + out.duplicates_;
  fmt::print(stderr, "appended {}, duplicates {}, refused {} in {:.1f} s ({:.0f} events/s)\n",
             Thousands(out.appended_), Thousands(out.duplicates_), Thousands(out.refused_), secs,
             secs > 0 ? done / secs : 0.0);
  if (out.refused_ > 0) {
    // A failure of the ledger itself (disk, corruption) is not a refused input.
    StatusCode code = out.first_error_.code();
    if (code == StatusCode::kIOError || code == StatusCode::kCorruption ||
        code == StatusCode::kUnavailable) {
      return ExitCodeFor(out.first_error_);
    }
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace

void RegisterAppendCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<AppendArgs>();
  auto* cmd = app.add_subcommand(
      "append",
      "Sign and append events: JSON Lines in (plain personal values under \"personal\"), one "
      "JSON result line out per event");
  cmd->add_option("--data", args->data, "Ledger directory");
  cmd->add_option("--key", args->keys,
                  "Private key file of an author (repeatable: each event is signed by the key "
                  "registered with its actor.role)")
      ->required();
  cmd->add_option("--input,-i", args->input, "JSON Lines file, or - for standard input");
  cmd->add_flag("--atomic", args->atomic, "All or nothing: append every event or none");
  cmd->add_option("--ledger-key", args->ledger_key,
                  "The ledger's key, to sign checkpoints (default <keys>/ledger.key if present)");
  cmd->add_option("--keys", args->keys_dir,
                  "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  cmd->add_option("--master-key", args->master_key,
                  "The vault's master key file (default $LEDGER_MASTER_KEY or <keys>/master.key)");
  cmd->add_flag("--errors-only", args->errors_only, "Print result lines only for refused events");
  cmd->callback([=] { *exit_code = RunAppend(*args); });
}

}  // namespace ledger::cli
