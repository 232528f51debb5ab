// Verification of the derived columns: everything the writer stores besides the entries, the
// tree and the checkpoints (which verify.cc checks on their own) is a function of the entries,
// and is checked against them in both directions.
//
//   ids           each entry's id has a record pointing at the entry (seq, version, recorded_at,
//                 content digest); no other record exists. Together: event ids are unique.
//   streams       each entry has its (stream, version) record pointing at it; nothing else.
//   stream_heads  one head per stream, equal to the head rebuilt from the stream's entries
//                 (next version, office, shredded, case state).
//   keys          one state per key, equal to the registry rebuilt from the key events.
//   meta          the log head (size, streams, last recorded_at) and the per-type counters.
//   personal      a subject key and a sealed-values record exactly for each subject and entry
//                 that carries personal digests and was not shredded.
// The first mismatch is named: column, key and, where one entry is to blame, its seq.
#ifndef LEDGER_SRC_DERIVED_CHECK_H_
#define LEDGER_SRC_DERIVED_CHECK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/types.h"
#include "log_checker.h"
#include "prepared_event.h"
#include "storage/kv_store.h"

namespace ledger::internal {

class DerivedColumnsCheck {
 public:
  explicit DerivedColumnsCheck(KvStore* store);

  // Per entry, on any thread: the entry's id and stream index records. Sets `column` to the
  // column to blame when it fails.
  Status CheckEntry(uint64_t seq, const Entry& entry, const PreparedEvent& event,
                    std::string* column) const;
  // In seq order, for every entry: what Finish needs about the vault.
  void Visit(uint64_t seq, const PreparedEvent& event);

  // For repair, after every entry was visited: the vault records no entry accounts for (keys),
  // and those the entries call for that are missing (as "k/<subject>" or "v/<subject>@<seq>").
  Status VaultDifferences(std::vector<std::string>* stray, std::vector<std::string>* missing);
  // Once every entry of a log of `size` entries has passed: no column holds anything the entries
  // do not account for, and the state kept per stream, key and type equals the state rebuilt by
  // `checker`. On failure sets `column` and, where one entry is to blame, `seq`.
  Status Finish(const LogChecker& checker, uint64_t size, std::string* column,
                std::optional<uint64_t>* seq);

 private:
  Status CheckIndexCount(Column column, uint64_t size);
  Status CheckStreamHeads(const LogChecker& checker);
  Status CheckKeys(const LogChecker& checker);
  Status CheckMeta(const LogChecker& checker, uint64_t size);
  Status CheckVault(std::optional<uint64_t>* seq);
  // Why a vault record is one no entry accounts for; nullopt if it belongs. Sets `at` to the
  // entry of a sealed-values record.
  std::optional<std::string> WhyStray(std::string_view key, std::optional<uint64_t>* at) const;
  // The first missing vault record, if any (`at`: its entry).
  std::optional<std::string> FirstMissing(std::optional<uint64_t>* at,
                                          std::vector<std::string>* all) const;

  KvStore* const store_;
  // Entries before this seq keep no personal values here (a replica's: records.h); an error
  // reading it is reported by Finish.
  Result<uint64_t> values_from_;
  // Entries carrying personal digests, by subject (seqs ascending), and shredded subjects.
  std::map<std::string, std::vector<uint64_t>> personal_;
  std::set<std::string> shredded_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_DERIVED_CHECK_H_
