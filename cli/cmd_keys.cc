// init, keygen, keys add/revoke/list, vkey.
#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "ledger/time_format.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;

Status MakePrivateDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

// Writes a private key file and its verifier key beside it (<file>.pub).
Status WriteKeyPair(const SigningKey& key, const std::string& path) {
  LEDGER_RETURN_IF_ERROR(key.WriteFile(path));
  FILE* f = std::fopen((path + ".pub").c_str(), "wx");
  if (!f) return Status::IOError("cannot write " + path + ".pub");
  fmt::print(f, "{}\n", key.verifier().ToString());
  std::fclose(f);
  return Status::Ok();
}

struct InitArgs {
  std::string data, keys, origin, admin_name = "admin", master_key;
  uint32_t max_problems = 3;
};

int RunInit(const InitArgs& a) {
  std::string data = ResolveDataDir(a.data);
  std::string keys = ResolveKeysDir(a.keys);
  if (a.origin.empty()) return Fail(Status::InvalidArgument("--origin is required"));
  if (Status s = MakePrivateDir(keys); !s.ok()) return Fail(s);
  std::string ledger_key_path = keys + "/ledger.key";
  std::string admin_key_path = keys + "/" + a.admin_name + ".key";
  for (const auto& p : {ledger_key_path, admin_key_path}) {
    if (fs::exists(p)) {
      return Fail(Status::FailedPrecondition("key file " + p +
                                             " already exists; choose another --keys directory"));
    }
  }
  auto ledger_key = SigningKey::Generate(a.origin);
  if (!ledger_key.ok()) return Fail(ledger_key.status().WithContext("--origin"));
  auto admin_key = SigningKey::Generate(a.admin_name);
  if (!admin_key.ok()) return Fail(admin_key.status().WithContext("--admin-name"));
  // The vault's master key: an existing file is reused (one key may serve several ledgers of
  // an operator); otherwise a new one is made. Never inside the data directory.
  std::string master_path = MasterKeyPath(a.master_key, a.keys);
  bool master_created = false;
  if (!fs::exists(master_path)) {
    if (Status s = MasterKey::Generate().WriteNewFile(master_path); !s.ok()) return Fail(s);
    master_created = true;
  }
  auto master = ResolveMasterKey(master_path, a.keys, data);
  if (!master.ok()) {
    if (master_created) fs::remove(master_path);
    return Fail(master.status());
  }
  // Keys first: a ledger must never exist whose keys nobody holds.
  if (Status s = WriteKeyPair(*ledger_key, ledger_key_path); !s.ok()) return Fail(s);
  if (Status s = WriteKeyPair(*admin_key, admin_key_path); !s.ok()) return Fail(s);
  LedgerOptions options;
  options.checkpoint_key = *ledger_key;
  // A new key has signed nothing yet: a file left beside an old key of that name is not its.
  options.signed_checkpoint_file = SignedCheckpointFile(ledger_key_path);
  std::error_code stale;
  fs::remove(options.signed_checkpoint_file, stale);
  options.master_key = *master;
  auto ledger = CreateLedgerWithAdmin(data, *ledger_key, *admin_key, options, a.max_problems);
  if (!ledger.ok()) {
    // Nothing was created: take the new key files back so that init can be run again.
    for (const auto& p : {ledger_key_path, admin_key_path}) {
      std::error_code ec;
      fs::remove(p, ec);
      fs::remove(p + ".pub", ec);
    }
    if (master_created) fs::remove(master_path);
    return Fail(ledger.status());
  }
  fmt::print("created ledger {} in {}\n", a.origin, data);
  fmt::print("  ledger key (checkpoints): {}\n", ledger_key_path);
  fmt::print("  verifier key:             {}\n", ledger_key->verifier().ToString());
  fmt::print("  first admin key:          {}\n", admin_key_path);
  fmt::print("  admin verifier key:       {}\n", admin_key->verifier().ToString());
  fmt::print("  vault master key:         {}{}\n", master_path,
             master_created ? " (new: back it up apart from the data; without it no personal "
                              "value can be read)"
                            : " (existing)");
  return kExitOk;
}

struct KeyAddArgs {
  std::string data, admin_key, vkey, role, ledger_key, keys_dir;
  std::vector<std::string> scope;
};

struct KeyRevokeArgs {
  std::string data, admin_key, key_id, reason = "retired", ledger_key, keys_dir;
};

std::string ScopeText(const std::vector<std::string>& scope) {
  if (scope.empty()) return "*";
  std::string out;
  for (const auto& s : scope) out += (out.empty() ? "" : ",") + s;
  return out;
}

int RunKeysList(const std::string& data_flag, const std::string& format) {
  auto ledger = OpenForReading(data_flag);
  if (!ledger.ok()) return Fail(ledger.status());
  auto keys = (*ledger)->log().Keys();
  if (format == "json") {
    for (const auto& k : keys) {
      nlohmann::ordered_json j;
      j["key_id"] = k.key_id_hex;
      j["name"] = k.name;
      j["role"] = k.role;
      j["scope"] = k.scope;
      j["registered_seq"] = k.registered_seq;
      j["registered_at"] = FormatInstantMicros(k.registered_at_us);
      j["revoked"] = k.revoked;
      if (k.revoked) j["revoked_at"] = FormatInstantMicros(k.revoked_at_us);
      fmt::print("{}\n", j.dump());
    }
    return kExitOk;
  }
  Table t({"key id", "name", "role", "scope", "registered", "revoked"});
  for (const auto& k : keys) {
    t.AddRow({k.key_id_hex, k.name, k.role, ScopeText(k.scope),
              FormatInstantMicros(k.registered_at_us / 1000000 * 1000000),
              k.revoked ? FormatInstantMicros(k.revoked_at_us / 1000000 * 1000000) : "-"});
  }
  fmt::print("{}", t.Render());
  return kExitOk;
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, int* exit_code) {
  auto init_args = std::make_shared<InitArgs>();
  auto* init = app.add_subcommand("init", "Create a ledger, its signing key and a first admin key");
  init->add_option("--data", init_args->data, "Ledger directory to create");
  init->add_option("--keys", init_args->keys,
                   "Directory for the new key files (default $LEDGER_KEYS or ./ledger-keys)");
  init->add_option("--origin", init_args->origin,
                   "The ledger's name: checkpoint origin, e.g. drammen.kommune.no/ledger")
      ->required();
  init->add_option("--admin-name", init_args->admin_name, "Name of the first admin key");
  init->add_option("--master-key", init_args->master_key,
                   "The vault's master key file, made if missing (default $LEDGER_MASTER_KEY or "
                   "<keys>/master.key); never inside --data");
  init->add_option("--max-problems", init_args->max_problems,
                   "Case rule: main problems per cooperation agreement (default 3)")
      ->check(CLI::Range(1, 16));
  init->callback([=] { *exit_code = RunInit(*init_args); });

  auto keygen_name = std::make_shared<std::string>();
  auto keygen_out = std::make_shared<std::string>();
  auto* keygen = app.add_subcommand("keygen", "Make an Ed25519 key pair (<out> and <out>.pub)");
  keygen->add_option("--name", *keygen_name, "Key name (no '+', no spaces)")->required();
  keygen->add_option("--out", *keygen_out, "Private key file to write (mode 0600)")->required();
  keygen->callback([=] {
    auto key = SigningKey::Generate(*keygen_name);
    if (!key.ok()) {
      *exit_code = Fail(key.status());
      return;
    }
    if (Status s = WriteKeyPair(*key, *keygen_out); !s.ok()) {
      *exit_code = Fail(s);
      return;
    }
    fmt::print("{}\n", key->verifier().ToString());
    *exit_code = kExitOk;
  });

  auto* keys = app.add_subcommand("keys", "Register, revoke and list the keys that may append");
  keys->require_subcommand(1);
  auto add_args = std::make_shared<KeyAddArgs>();
  auto* add = keys->add_subcommand("add", "Register a key with a role (signed by an admin key)");
  add->add_option("--data", add_args->data, "Ledger directory");
  add->add_option("--key", add_args->admin_key, "Admin's private key file")->required();
  add->add_option("--vkey", add_args->vkey, "Verifier key of the new key, or a file holding it")
      ->required();
  add->add_option("--role", add_args->role,
                  "admin, caseworker, service, dpo, auditor, evaluator or subscriber")
      ->required();
  add->add_option("--scope", add_args->scope,
                  "Allowed streams: office:<id> or a stream prefix (repeatable; none = all)");
  add->add_option("--ledger-key", add_args->ledger_key, "The ledger's key, to sign checkpoints");
  add->add_option("--keys", add_args->keys_dir,
                  "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  add->callback([=] {
    auto admin = SigningKey::ReadFile(add_args->admin_key);
    if (!admin.ok()) {
      *exit_code = Fail(admin.status());
      return;
    }
    auto vkey = VerifierKey::Parse(KeyArgumentText(add_args->vkey));
    if (!vkey.ok()) {
      *exit_code = Fail(vkey.status().WithContext("--vkey"));
      return;
    }
    auto options = WriterOptions(add_args->ledger_key, add_args->keys_dir);
    if (!options.ok()) {
      *exit_code = Fail(options.status());
      return;
    }
    auto ledger = Ledger::Open(ResolveDataDir(add_args->data), *options);
    if (!ledger.ok()) {
      *exit_code = Fail(ledger.status());
      return;
    }
    auto r = RegisterKey(**ledger, *admin, *vkey, add_args->role, add_args->scope);
    if (!r.ok()) {
      *exit_code = Fail(r.status());
      return;
    }
    fmt::print("registered {} ({}) as {} at seq {}\n", vkey->key_id_hex(), vkey->name(),
               add_args->role, r->seq);
    *exit_code = kExitOk;
  });

  auto revoke_args = std::make_shared<KeyRevokeArgs>();
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key (signed by an admin key)");
  revoke->add_option("--data", revoke_args->data, "Ledger directory");
  revoke->add_option("--key", revoke_args->admin_key, "Admin's private key file")->required();
  revoke->add_option("--key-id", revoke_args->key_id, "8-hex key id to revoke")->required();
  revoke->add_option("--reason", revoke_args->reason, "Reason code (default: retired)");
  revoke->add_option("--ledger-key", revoke_args->ledger_key,
                     "The ledger's key, to sign checkpoints");
  revoke->add_option("--keys", revoke_args->keys_dir,
                     "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  revoke->callback([=] {
    auto admin = SigningKey::ReadFile(revoke_args->admin_key);
    if (!admin.ok()) {
      *exit_code = Fail(admin.status());
      return;
    }
    auto options = WriterOptions(revoke_args->ledger_key, revoke_args->keys_dir);
    if (!options.ok()) {
      *exit_code = Fail(options.status());
      return;
    }
    auto ledger = Ledger::Open(ResolveDataDir(revoke_args->data), *options);
    if (!ledger.ok()) {
      *exit_code = Fail(ledger.status());
      return;
    }
    auto r = RevokeKey(**ledger, *admin, revoke_args->key_id, revoke_args->reason);
    if (!r.ok()) {
      *exit_code = Fail(r.status());
      return;
    }
    fmt::print("revoked {} at seq {}\n", revoke_args->key_id, r->seq);
    *exit_code = kExitOk;
  });

  auto list_data = std::make_shared<std::string>();
  auto list_format = std::make_shared<std::string>("table");
  auto* list = keys->add_subcommand("list", "List registered keys");
  list->add_option("--data", *list_data, "Ledger directory");
  list->add_option("--format", *list_format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([=] { *exit_code = RunKeysList(*list_data, *list_format); });

  auto vkey_data = std::make_shared<std::string>();
  auto* vkey = app.add_subcommand("vkey", "Print the ledger's verifier key (for auditors)");
  vkey->add_option("--data", *vkey_data, "Ledger directory");
  vkey->callback([=] {
    auto ledger = OpenForReading(*vkey_data);
    if (!ledger.ok()) {
      *exit_code = Fail(ledger.status());
      return;
    }
    auto info = (*ledger)->log().Info();
    auto v = VerifierKey::FromPublicKey(info.identity.origin, info.identity.public_key);
    if (!v.ok()) {
      *exit_code = Fail(v.status());
      return;
    }
    fmt::print("{}\n", v->ToString());
    *exit_code = kExitOk;
  });
}

}  // namespace ledger::cli
