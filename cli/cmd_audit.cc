// What auditors run: checkpoint, prove, consistency, entry, verify, verify-proof, audit-export,
// audit-verify (docs/auditor-guide.md).
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit_verify_command.h"
#include "base/base64.h"
#include "cli_common.h"
#include "commands.h"
#include "ledger/audit_export.h"
#include "ledger/ledger.h"
#include "ledger/repair.h"
#include "ledger/time_format.h"
#include "ledger/verify.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/proof_file.h"
#include "tlog/verify.h"
#include "verify_report.h"

namespace ledger::cli {
namespace {

std::string HashBase64(const tlog::Hash& h) { return tlog::HashToBase64(h); }

struct CommonArgs {
  std::string data, format = "table";
};

}  // namespace

void RegisterAuditCommands(CLI::App& app, int* exit_code) {
  // checkpoint
  {
    struct Args {
      std::string data, ledger_key, keys_dir;
      uint64_t size = 0;
      bool sign = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("checkpoint", "Print the latest signed checkpoint (or one of --size)");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--size", a->size, "The checkpoint of exactly this tree size");
    cmd->add_flag("--sign", a->sign,
                  "Sign a checkpoint of the current tree first (needs the ledger key)");
    cmd->add_option("--ledger-key", a->ledger_key, "The ledger's key");
    cmd->add_option("--keys", a->keys_dir, "Key directory");
    cmd->callback([=] {
      LedgerOptions options;
      if (a->sign) {
        auto o = WriterOptions(a->ledger_key, a->keys_dir);
        if (!o.ok()) {
          *exit_code = Fail(o.status());
          return;
        }
        options = *o;
      }
      auto ledger =
          a->sign ? Ledger::Open(ResolveDataDir(a->data), options) : OpenForReading(a->data);
      if (!ledger.ok()) {
        *exit_code = Fail(ledger.status());
        return;
      }
      Result<std::string> note = a->sign   ? (*ledger)->audit().SignCheckpoint()
                                 : a->size ? (*ledger)->audit().CheckpointAt(a->size)
                                           : (*ledger)->audit().LatestCheckpoint();
      if (!note.ok()) {
        *exit_code = Fail(note.status());
        return;
      }
      fmt::print("{}", *note);
      *exit_code = kExitOk;
    });
  }
  // prove
  {
    struct Args {
      std::string data, out;
      uint64_t seq = 0, size = 0;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "prove", "Write a c2sp.org/tlog-proof file: entry --seq is in the checkpointed tree");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--seq", a->seq, "The entry")->required();
    cmd->add_option("--size", a->size, "Tree size of a stored checkpoint (default: the latest)");
    cmd->add_option("--out,-o", a->out, "Output file (default: standard output)");
    cmd->callback([=] {
      auto ledger = OpenForReading(a->data);
      if (!ledger.ok()) {
        *exit_code = Fail(ledger.status());
        return;
      }
      auto note = a->size ? (*ledger)->audit().CheckpointAt(a->size)
                          : (*ledger)->audit().LatestCheckpoint();
      if (!note.ok()) {
        *exit_code = Fail(note.status());
        return;
      }
      auto body = tlog::ParseNote(*note);
      if (!body.ok()) {
        *exit_code = Fail(body.status());
        return;
      }
      auto cp = tlog::ParseCheckpointBody(body->text);
      if (!cp.ok()) {
        *exit_code = Fail(cp.status());
        return;
      }
      if (a->seq >= cp->size) {
        *exit_code = Fail(Status::FailedPrecondition(
            fmt::format("entry {} is not covered by the checkpoint of size {}; sign a newer one "
                        "with `ledger checkpoint --sign`",
                        a->seq, cp->size)));
        return;
      }
      auto proof = (*ledger)->audit().InclusionProof(a->seq, cp->size);
      if (!proof.ok()) {
        *exit_code = Fail(proof.status());
        return;
      }
      std::string text = tlog::FormatProofFile({"", a->seq, *proof, *note});
      if (a->out.empty()) {
        fmt::print("{}", text);
      } else if (Status s = WriteWholeFile(a->out, text); !s.ok()) {
        *exit_code = Fail(s);
        return;
      }
      *exit_code = kExitOk;
    });
  }
  // consistency
  {
    struct Args {
      std::string data;
      uint64_t from = 0, to = 0;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("consistency",
                                   "Print an RFC 9162 consistency proof, one base64 hash per line");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--from", a->from, "Older tree size")->required();
    cmd->add_option("--to", a->to, "Newer tree size")->required();
    cmd->callback([=] {
      auto ledger = OpenForReading(a->data);
      if (!ledger.ok()) {
        *exit_code = Fail(ledger.status());
        return;
      }
      auto proof = (*ledger)->audit().ConsistencyProof(a->from, a->to);
      if (!proof.ok()) {
        *exit_code = Fail(proof.status());
        return;
      }
      for (const auto& h : *proof) fmt::print("{}\n", HashBase64(h));
      *exit_code = kExitOk;
    });
  }
  // entry
  {
    struct Args {
      std::string data, format = "base64", out;
      uint64_t seq = 0;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("entry", "Print the exact bytes of an entry (the Merkle leaf)");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--seq", a->seq, "The entry")->required();
    cmd->add_option("--format", a->format, "base64, hex or raw")
        ->check(CLI::IsMember({"base64", "hex", "raw"}));
    cmd->add_option("--out,-o", a->out, "Write to a file instead of standard output");
    cmd->callback([=] {
      auto ledger = OpenForReading(a->data);
      if (!ledger.ok()) {
        *exit_code = Fail(ledger.status());
        return;
      }
      auto e = (*ledger)->log().ReadSeq(a->seq);
      if (!e.ok()) {
        *exit_code = Fail(e.status());
        return;
      }
      std::string text = a->format == "raw"   ? e->bytes
                         : a->format == "hex" ? HexEncode(e->bytes) + "\n"
                                              : Base64Encode(e->bytes) + "\n";
      if (a->out.empty()) {
        std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
      } else if (Status s = WriteWholeFile(a->out, text); !s.ok()) {
        *exit_code = Fail(s);
        return;
      }
      *exit_code = kExitOk;
    });
  }
  // verify
  {
    struct Args {
      std::string data, format = "table", vkey;
      std::vector<std::string> checkpoints;
      uint64_t from = 0, to = 0;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "verify", "Check every entry, signature, key, version, tree node and checkpoint");
    cmd->add_option("--vkey", a->vkey,
                    "The ledger's verifier key as you hold it (or a file): the ledger's record "
                    "of its own key must match");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--from", a->from, "First entry to check fully (earlier ones are replayed)");
    cmd->add_option("--to", a->to, "Stop before this entry (default: the end)");
    cmd->add_option("--checkpoint", a->checkpoints,
                    "A checkpoint you hold from earlier (a file; repeatable): the log must "
                    "extend it");
    cmd->add_option("--format", a->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->callback([=] {
      auto held = ReadHeldCheckpoints(a->checkpoints);
      if (!held.ok()) {
        *exit_code = Fail(held.status().WithContext("--checkpoint"));
        return;
      }
      auto ledger = OpenForReading(a->data);
      if (!ledger.ok()) {
        *exit_code = Fail(ledger.status());
        return;
      }
      VerifyOptions options;
      options.held_checkpoints = std::move(held).value();
      options.from = a->from;
      options.to = a->to;
      if (!a->vkey.empty()) {
        auto text = Result<std::string>(KeyArgumentText(a->vkey));
        if (!text.ok()) {
          *exit_code = Fail(text.status());
          return;
        }
        options.verifier_key = *text;
      }
      Progress progress("verify", (*ledger)->log().Size());
      options.progress = [&](uint64_t done, uint64_t) { progress.Update(done); };
      auto report = VerifyLedger(**ledger, options);
      progress.Finish();
      if (!report.ok()) {
        *exit_code = Fail(report.status());
        return;
      }
      *exit_code = PrintReport(*report, a->format, "verify");
    });
  }
  // repair
  {
    struct Args {
      std::string data, format = "table", vkey;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "repair",
        "Rebuild the derived columns (indexes, stream heads, key states, counters) from the "
        "verified entries");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--vkey", a->vkey,
                    "The ledger's verifier key as you hold it (or a file): checked as by verify");
    cmd->add_option("--format", a->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->callback([=] {
      RepairOptions options;
      if (!a->vkey.empty()) options.verifier_key = KeyArgumentText(a->vkey);
      std::unique_ptr<Progress> progress;
      std::string phase;
      options.progress = [&](std::string_view p, uint64_t done, uint64_t total) {
        if (phase != p) {
          if (progress) progress->Finish();
          phase = std::string(p);
          progress = std::make_unique<Progress>(phase, total);
        }
        progress->Update(done);
      };
      auto report = RepairLedger(ResolveDataDir(a->data), options);
      if (progress) progress->Finish();
      if (!report.ok()) {
        *exit_code = Fail(report.status());
        return;
      }
      if (a->format == "json") {
        nlohmann::ordered_json j;
        j["ok"] = report->vault_records_missing.empty();
        j["entries"] = report->entries;
        j["records_written"] = report->records_written;
        j["vault_records_removed"] = report->vault_records_removed;
        j["vault_records_missing"] = report->vault_records_missing;
        j["seconds"] = report->seconds;
        fmt::print("{}\n", j.dump());
      } else {
        Table t({"repair", report->vault_records_missing.empty() ? "DONE" : "INCOMPLETE"});
        t.AddRow({"entries verified", Thousands(report->entries)});
        for (const auto& [column, n] : report->records_written) {
          t.AddRow({column + " records written", Thousands(n)});
        }
        t.AddRow({"vault records removed (no entry accounts for them)",
                  Thousands(report->vault_records_removed)});
        t.AddRow({"vault records missing (only a backup has them)",
                  Thousands(report->vault_records_missing.size())});
        t.AddRow({"time", fmt::format("{:.2f} s", report->seconds)});
        fmt::print("{}", t.Render());
        for (const auto& key : report->vault_records_missing) {
          fmt::print(stderr, "ledger: vault record missing: {}\n", key);
        }
      }
      // Missing sealed values cannot be rebuilt: `verify` keeps failing on them.
      *exit_code = report->vault_records_missing.empty() ? kExitOk : kExitCorruption;
    });
  }
  // verify-proof
  {
    struct Args {
      std::string file, vkey, entry;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "verify-proof", "Check a tlog-proof file for an entry, with only the verifier key");
    cmd->add_option("file", a->file, "The tlog-proof file")->required();
    cmd->add_option("--vkey", a->vkey, "The ledger's verifier key, or a file holding it")
        ->required();
    cmd->add_option("--entry", a->entry,
                    "File with the entry's raw bytes (ledger entry --format raw)")
        ->required();
    cmd->callback([=] {
      auto run = [&]() -> Status {
        LEDGER_ASSIGN_OR_RETURN(auto text, ReadFile(a->file));
        LEDGER_ASSIGN_OR_RETURN(auto entry, ReadFile(a->entry));
        LEDGER_ASSIGN_OR_RETURN(auto vkey_text, Result<std::string>(KeyArgumentText(a->vkey)));
        LEDGER_ASSIGN_OR_RETURN(auto vkey, tlog::ParseVerifierKey(vkey_text));
        LEDGER_ASSIGN_OR_RETURN(auto proof, tlog::ParseProofFile(text));
        LEDGER_ASSIGN_OR_RETURN(auto cp, tlog::OpenCheckpoint(proof.checkpoint, vkey, nullptr));
        LEDGER_RETURN_IF_ERROR(tlog::VerifyInclusion(tlog::HashLeaf(entry), proof.index, cp.size,
                                                     proof.inclusion_proof, cp.root));
        fmt::print("OK: entry {} is in the tree of {} entries signed by {} (root {})\n",
                   proof.index, cp.size, cp.origin, HashBase64(cp.root));
        return Status::Ok();
      };
      Status s = run();
      *exit_code = s.ok() ? kExitOk : Fail(s);
    });
  }
  // audit-export
  {
    struct Args {
      std::string data, out;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "audit-export", "Write the checkpointed log as static c2sp.org/tlog-tiles files");
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--out", a->out, "Directory to create (must be empty or absent)")->required();
    cmd->callback([=] {
      auto ledger = OpenForReading(a->data);
      if (!ledger.ok()) {
        *exit_code = Fail(ledger.status());
        return;
      }
      Progress progress("export", (*ledger)->log().Size());
      auto summary =
          ExportAudit(**ledger, a->out, [&](uint64_t done, uint64_t) { progress.Update(done); });
      progress.Finish();
      if (!summary.ok()) {
        *exit_code = Fail(summary.status());
        return;
      }
      fmt::print("exported {} entries to {}: {} hash tiles, {} entry bundles, {:.1f} MiB\n",
                 Thousands(summary->size), a->out, summary->hash_tiles, summary->entry_bundles,
                 summary->bytes / 1048576.0);
      *exit_code = kExitOk;
    });
  }
  // audit-verify
  SetUpAuditVerify(
      app.add_subcommand("audit-verify",
                         "Verify an exported directory with only the verifier key (no RocksDB)"),
      exit_code);
}

}  // namespace ledger::cli
