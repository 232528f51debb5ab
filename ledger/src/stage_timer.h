// The counters behind ledger/append_stages.h and ledger/verify_stages.h, and a timer that adds to
// them only while they are on.
#ifndef LEDGER_SRC_STAGE_TIMER_H_
#define LEDGER_SRC_STAGE_TIMER_H_

#include <time.h>

#include <atomic>
#include <cstdint>

namespace ledger::internal {

// Each thread's counters sit on their own cache lines: the writer's are written by one thread,
// the appenders' once per slice of a batch.
struct alignas(64) AppenderStageCounters {
  std::atomic<uint64_t> decode_ns{0};
  std::atomic<uint64_t> verify_ns{0};
};
struct alignas(64) WriterStageCounters {
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> groups{0};
  std::atomic<uint64_t> id_index_ns{0};
  std::atomic<uint64_t> rules_ns{0};
  std::atomic<uint64_t> tree_ns{0};
  std::atomic<uint64_t> records_ns{0};
  std::atomic<uint64_t> apply_ns{0};
  std::atomic<uint64_t> write_ns{0};
  std::atomic<uint64_t> write_cpu_ns{0};
  std::atomic<uint64_t> publish_ns{0};
  std::atomic<uint64_t> checkpoint_ns{0};
};
// Verification (ledger/verify_stages.h): the decoding threads add per entry, the in-order
// thread per batch.
struct alignas(64) VerifierStageCounters {
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> leaf_hash_ns{0};
  std::atomic<uint64_t> decode_ns{0};
  std::atomic<uint64_t> prepare_ns{0};
  std::atomic<uint64_t> signature_ns{0};
  std::atomic<uint64_t> derived_ns{0};
  std::atomic<uint64_t> keys_ns{0};
  std::atomic<uint64_t> in_order_ns{0};
  std::atomic<uint64_t> nodes_ns{0};
};
struct StageCounters {
  std::atomic<bool> on{false};
  AppenderStageCounters appenders;
  WriterStageCounters writer;
  VerifierStageCounters verifier;
};
StageCounters& Stages();

inline uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Times consecutive stages of one thread in the thread's CPU time (so that a thread that is
// preempted is not charged for the others' work): Lap(counter) adds the CPU time since the last
// lap (or since construction) to `counter`. Reads no clock while the counters are off.
class StageTimer {
 public:
  StageTimer() : on_(Stages().on.load(std::memory_order_relaxed)), last_(on_ ? ThreadCpuNs() : 0) {}
  bool on() const { return on_; }
  void Lap(std::atomic<uint64_t>& counter) {
    if (!on_) return;
    const uint64_t now = ThreadCpuNs();
    counter.fetch_add(now - last_, std::memory_order_relaxed);
    last_ = now;
  }
  // Lap into a local sum, for threads that add their sums once per slice.
  void Lap(uint64_t& sum) {
    if (!on_) return;
    const uint64_t now = ThreadCpuNs();
    sum += now - last_;
    last_ = now;
  }

 private:
  const bool on_;
  uint64_t last_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_STAGE_TIMER_H_
