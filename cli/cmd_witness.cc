// witness serve / witness push: c2sp.org/tlog-witness, so that an independent authority can
// cosign the ledger's checkpoints and catch split views.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "witness/http_server.h"
#include "witness/witness_client.h"

namespace ledger::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

Result<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("expected host:port, got " + text);
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
      digits.size() > 5) {
    return Status::InvalidArgument("bad port in " + text);
  }
  int port = std::atoi(digits.c_str());  // 0 means: any free port (printed at start)
  if (port > 65535) return Status::InvalidArgument("bad port in " + text);
  return std::make_pair(text.substr(0, colon), static_cast<uint16_t>(port));
}

struct ServeArgs {
  std::string key, state, listen = "127.0.0.1:7380";
  std::vector<std::string> log_vkeys;
};

int RunServe(const ServeArgs& a) {
  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status());
  auto hp = ParseHostPort(a.listen);
  if (!hp.ok()) return Fail(hp.status().WithContext("--listen"));
  witness::WitnessServerOptions options;
  options.address = hp->first;
  options.port = hp->second;
  options.witness_name = key->name();
  options.witness_seed = key->seed();
  options.state_path = a.state;
  for (const auto& v : a.log_vkeys) {
    auto parsed = tlog::ParseVerifierKey(KeyArgumentText(v));
    if (!parsed.ok()) return Fail(parsed.status().WithContext("--log-vkey " + v));
    options.logs.push_back(*parsed);
  }
  options.log = [](std::string_view line) { fmt::print(stderr, "witness: {}\n", line); };
  auto server = witness::StartWitnessServer(std::move(options));
  if (!server.ok()) return Fail(server.status());
  fmt::print("witness {} listening on {}:{}\ncosignature key: {}\n", key->name(), hp->first,
             (*server)->port(), tlog::FormatVerifierKey((*server)->verifier()));
  std::fflush(stdout);
  ::signal(SIGINT, OnSignal);
  ::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*server)->Stop();
  return kExitOk;
}

struct PushArgs {
  std::string data, witness, witness_vkey;
};

int RunPush(const PushArgs& a) {
  auto hp = ParseHostPort(a.witness);
  if (!hp.ok()) return Fail(hp.status().WithContext("--witness"));
  auto cosigner = tlog::ParseVerifierKey(KeyArgumentText(a.witness_vkey));
  if (!cosigner.ok()) return Fail(cosigner.status().WithContext("--witness-vkey"));
  auto ledger = Ledger::Open(ResolveDataDir(a.data));
  if (!ledger.ok()) return Fail(ledger.status());
  auto note = (*ledger)->audit().LatestCheckpoint();
  if (!note.ok()) return Fail(note.status());
  auto parsed = tlog::ParseNote(*note);
  if (!parsed.ok()) return Fail(parsed.status());
  auto checkpoint = tlog::ParseCheckpointBody(parsed->text);
  if (!checkpoint.ok()) return Fail(checkpoint.status());
  // Start from the size the witness last cosigned: unknown at first (0); a 409 tells it.
  uint64_t old_size = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto proof = (*ledger)->audit().ConsistencyProof(old_size, checkpoint->size);
    if (!proof.ok()) return Fail(proof.status());
    uint64_t witness_size = 0;
    auto line =
        witness::PushCheckpoint(hp->first, hp->second, old_size, *proof, *note, &witness_size);
    if (!line.ok() && line.status().code() == StatusCode::kConflict && witness_size != old_size &&
        witness_size <= checkpoint->size) {
      old_size = witness_size;
      continue;
    }
    if (!line.ok()) return Fail(line.status().WithContext("witness " + a.witness));
    // Keep only cosignatures that verify with the witness key we were given.
    auto cosigned = tlog::ParseNote(parsed->text + "\n" + *line);
    if (!cosigned.ok() || cosigned->signatures.empty()) {
      return Fail(Status::Corruption("the witness answered with a malformed cosignature"));
    }
    std::vector<std::string> lines;
    for (const auto& sig : cosigned->signatures) {
      auto ts = tlog::VerifyCosignature(parsed->text, sig, *cosigner);
      if (!ts.ok()) continue;
      lines.push_back(tlog::FormatNote({parsed->text, {sig}}).substr(parsed->text.size() + 1));
    }
    if (lines.empty()) {
      return Fail(Status::PermissionDenied("no cosignature from the witness key " + cosigner->name +
                                           " verified"));
    }
    if (Status s = (*ledger)->audit().AddCosignatures(checkpoint->size, lines); !s.ok())
      return Fail(s);
    auto stored = (*ledger)->audit().CheckpointAt(checkpoint->size);
    fmt::print("{}", stored.ok() ? *stored : *note);
    return kExitOk;
  }
  return Fail(Status::Conflict("the witness kept reporting a different size"));
}

}  // namespace

void RegisterWitnessCommands(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("witness", "Cosign checkpoints (c2sp.org/tlog-witness)");
  cmd->require_subcommand(1);
  auto serve_args = std::make_shared<ServeArgs>();
  auto* serve = cmd->add_subcommand("serve", "Run a witness for the logs whose keys are given");
  serve->add_option("--key", serve_args->key, "The witness's private key file (ledger keygen)")
      ->required();
  serve
      ->add_option("--log-vkey", serve_args->log_vkeys,
                   "Verifier key of a log to witness, or a file holding it (repeatable)")
      ->required();
  serve->add_option("--state", serve_args->state, "State file (latest cosigned size per log)")
      ->required();
  serve->add_option("--listen", serve_args->listen, "Address and port")->capture_default_str();
  serve->callback([=] { *exit_code = RunServe(*serve_args); });

  auto push_args = std::make_shared<PushArgs>();
  auto* push = cmd->add_subcommand(
      "push", "Send the latest checkpoint to a witness and keep its cosignature");
  push->add_option("--data", push_args->data, "Ledger directory");
  push->add_option("--witness", push_args->witness, "host:port of the witness")->required();
  push->add_option("--witness-vkey", push_args->witness_vkey,
                   "The witness's cosignature verifier key, or a file holding it")
      ->required();
  push->callback([=] { *exit_code = RunPush(*push_args); });
}

}  // namespace ledger::cli
