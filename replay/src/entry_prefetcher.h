// Reads a range of the log ahead of its consumer, on a thread of its own: the scan (RocksDB
// reads, checksums, copies) runs on one core while the consumer decodes and applies entries on
// another. Memory is bounded: at most kMaxBatches batches of kBatchEntries entries are read
// ahead, and the consumer hands each batch back for the reader to refill (no allocation per
// entry once the buffers have grown).
#ifndef REPLAY_SRC_ENTRY_PREFETCHER_H_
#define REPLAY_SRC_ENTRY_PREFETCHER_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "ledger/ledger.h"

namespace ledger::replay {

// Consecutive entries' bytes in one buffer. Each entry starts at a multiple of 8 bytes from the
// buffer's (allocated, so aligned) start: Cap'n Proto reads an aligned entry in place.
class EntryBatch {
 public:
  size_t size() const { return spans_.size(); }
  std::string_view entry(size_t k) const {
    return std::string_view(bytes_).substr(spans_[k].first, spans_[k].second);
  }
  void Clear() {
    bytes_.clear();
    spans_.clear();
  }
  void Add(std::string_view entry) {
    bytes_.resize((bytes_.size() + 7) & ~size_t{7});
    spans_.emplace_back(bytes_.size(), entry.size());
    bytes_.append(entry);
  }

 private:
  std::string bytes_;
  std::vector<std::pair<size_t, size_t>> spans_;  // offset and length of each entry
};

class EntryPrefetcher {
 public:
  // Chosen by measurement (`ledger bench replay`, 1.08 M entries, 2 cores): smaller batches wake
  // the consumer more often and lose to the hand-over (256: 0.55 of the raw scan, 1,024: 0.63,
  // 4,096: 0.69); larger ones fall out of the caches (16,384: 0.62); more batches gain nothing.
  static constexpr size_t kBatchEntries = 4096;
  static constexpr size_t kMaxBatches = 2;

  // Starts reading entries [from, end) of `ledger`.
  EntryPrefetcher(Ledger& ledger, uint64_t from, uint64_t end);
  // Stops the reading thread (also when the consumer gave up early) and waits for it.
  ~EntryPrefetcher();
  EntryPrefetcher(const EntryPrefetcher&) = delete;
  EntryPrefetcher& operator=(const EntryPrefetcher&) = delete;

  // The next entries, in seq order, into `out`; what `out` held is handed back to be refilled.
  // False once every entry read was handed out. Then status() says why the reading ended: OK
  // when the log ended (at `end` or before it: the caller checks the count), else the storage
  // error.
  bool Next(EntryBatch* out) LEDGER_EXCLUDES(mu_);
  Status status() LEDGER_EXCLUDES(mu_);

 private:
  void Read(Ledger& ledger, uint64_t from, uint64_t end) LEDGER_EXCLUDES(mu_);

  Mutex mu_;
  CondVar changed_;
  std::deque<EntryBatch> ready_ LEDGER_GUARDED_BY(mu_);
  std::vector<EntryBatch> spare_ LEDGER_GUARDED_BY(mu_);  // handed back, to be refilled
  bool done_ LEDGER_GUARDED_BY(mu_) = false;              // the reader has finished
  bool stop_ LEDGER_GUARDED_BY(mu_) = false;              // the consumer has gone
  Status status_ LEDGER_GUARDED_BY(mu_);
  std::thread reader_;
};

}  // namespace ledger::replay

#endif  // REPLAY_SRC_ENTRY_PREFETCHER_H_
