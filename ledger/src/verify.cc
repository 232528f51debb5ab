#include "ledger/verify.h"

#include <chrono>

#include "derived_check.h"
#include "held_checkpoints.h"
#include "ledger_state.h"
#include "log_checker.h"
#include "storage/kv_store.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tree_cursor.h"

namespace ledger {
namespace {

void FailReport(VerifyReport* report, std::string check, Status status,
                std::optional<uint64_t> seq = std::nullopt) {
  report->ok = false;
  report->failed_check = std::move(check);
  report->failure = std::move(status);
  report->failed_seq = seq;
}

}  // namespace

Result<VerifyReport> VerifyLedger(Ledger& ledger, const VerifyOptions& options) {
  auto start = std::chrono::steady_clock::now();
  VerifyReport report;
  auto info = ledger.log().Info();
  LEDGER_ASSIGN_OR_RETURN(auto log_key, tlog::MakeVerifier(info.identity.origin, tlog::kAlgEd25519,
                                                           info.identity.public_key));
  if (!options.verifier_key.empty()) {
    LEDGER_ASSIGN_OR_RETURN(auto expected, tlog::ParseVerifierKey(options.verifier_key));
    if (!(expected == log_key)) {
      FailReport(&report, "identity",
                 Status::PermissionDenied("the ledger's recorded key (" +
                                          tlog::FormatVerifierKey(log_key) +
                                          ") is not the verifier key given"));
      return report;
    }
  }
  // What opening found when it compared the store with its anchor. (What it found about the
  // index counts is named more precisely by the derived check below.)
  if (Status anchored = internal::AnchorAtOpen(ledger); !anchored.ok()) {
    report.size = ledger.log().Size();
    FailReport(&report, "anchor", anchored);
    return report;
  }
  // Checkpoints are read before the size, so that one signed meanwhile is within the log.
  LEDGER_ASSIGN_OR_RETURN(auto checkpoints, ledger.audit().Checkpoints());
  const uint64_t size = ledger.log().Size();
  const uint64_t to = options.to == 0 ? size : std::min(options.to, size);
  const bool whole_log = options.from == 0 && options.to == 0;
  // Declared before the checker, which uses both from its worker thread until it is drained
  // (its destructor), also when this function is left by an exception.
  // Nodes are completed in ascending index per level: a cursor steps through the stored ones
  // (checked in order, on the thread that checks entries in order).
  internal::TreeCursor tree(internal::StoreOf(ledger));
  std::optional<internal::DerivedColumnsCheck> derived;
  internal::LogChecker checker(options.from, options.threads);
  for (const auto& [cp_size, note] : checkpoints) {
    auto checkpoint = tlog::OpenCheckpoint(note, log_key, nullptr);
    Status bad;
    if (!checkpoint.ok()) {
      bad = checkpoint.status();
    } else if (checkpoint->size != cp_size) {
      bad = Status::Corruption("checkpoint filed under size " + std::to_string(cp_size) +
                               " says size " + std::to_string(checkpoint->size));
    }
    if (!bad.ok()) {
      FailReport(&report, "checkpoint signature",
                 bad.WithContext("checkpoint of size " + std::to_string(cp_size)));
      return report;
    }
    // A full verification expects every checkpoint, also one beyond the end of the log (which
    // means entries were removed after it was signed); a range only those it reaches.
    if (options.to == 0 || cp_size <= to) checker.ExpectRoot(cp_size, checkpoint->root);
  }
  if (!internal::ExpectHeldCheckpoints(
          options.held_checkpoints, log_key, checker, &report,
          options.to == 0 ? std::nullopt : std::optional<uint64_t>(to))) {
    return report;
  }

  checker.SetCaseRules({info.identity.max_agreement_problems, true});
  checker.SetNodeCheck(
      [&](uint8_t level, uint64_t index, const tlog::Hash& hash) -> Status {
        auto stored = tree.Read(level, index);
        if (!stored.ok()) return stored.status();
        if (*stored != hash) {
          return Status::Corruption(
              "stored tree node " + std::to_string(level) + "/" + std::to_string(index) +
              " differs from the hash of the entries (proofs would be wrong)");
        }
        return Status::Ok();
      },
      /*thread_safe=*/false);
  if (options.check_derived) {
    derived.emplace(internal::StoreOf(ledger));
    checker.SetEntryCheck(
        [&](uint64_t seq, const Entry& entry, const internal::PreparedEvent& event,
            std::string* check) { return derived->CheckEntry(seq, entry, event, check); });
    checker.SetEntryVisitor([&](uint64_t seq, const Entry&, const internal::PreparedEvent& event) {
      derived->Visit(seq, event);
    });
  }

  auto it = ledger.log().Scan(0, /*decode=*/false);  // the checker decodes on all cores
  uint64_t done = 0;
  bool reached_end = to == 0;
  for (; it->Valid(); it->Next()) {
    const uint64_t seq = it->entry().seq;
    if (!checker.Add(seq, it->entry().bytes).ok()) break;
    if (options.progress && ++done % 8192 == 0) options.progress(done, to);
    // Stop before Next() reads an entry outside the range, so it cannot be blamed.
    if (seq + 1 >= to) {
      reached_end = true;
      break;
    }
  }
  if (!reached_end && checker.Flush().ok() && !it->status().ok()) {
    // The storage layer refused an entry (checksum, missing, moved), and every entry before it
    // passed: name it with its own cause.
    checker.Report(&report);
    FailReport(&report, "storage", it->status(), checker.size());
  } else {
    checker.Finish().IgnoreError();
    checker.Report(&report);
    // The tree the writer extends must be the tree of the entries.
    auto head = ledger.audit().Head();
    if (report.ok && options.to == 0 && head.size == report.size && !(head.root == report.root)) {
      FailReport(&report, "tree",
                 Status::Corruption(
                     "the ledger's current tree head differs from the tree of its entries"));
    }
    if (report.ok && derived && whole_log) {
      std::string column;
      std::optional<uint64_t> seq;
      Status s = derived->Finish(checker, report.size, &column, &seq);
      if (!s.ok() && ledger.log().Size() != size) {
        // Appends went on meanwhile: the columns moved past the entries this run checked.
        s = Status::Unavailable(
            "the log grew from " + std::to_string(size) + " to " +
            std::to_string(ledger.log().Size()) +
            " entries during verification: the derived columns can be checked only on a ledger "
            "nobody appends to (open it read-only, stop the server, or verify a backup)");
        column = "derived columns";
      }
      if (s.ok() && !ledger.audit().IntegrityAtOpen().ok()) {
        // Every record agrees, yet the engine's counts do not (a record deleted and put back):
        // the column was still written outside the ledger.
        s = ledger.audit().IntegrityAtOpen();
        column = "index counts";
      }
      if (!s.ok()) {
        FailReport(&report, column, s, seq);
      } else {
        report.derived_checked = true;
      }
    }
  }
  if (options.progress) options.progress(to, to);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ledger
