// The memory that request bodies in flight may take together (ServerLimits::max_body_memory,
// `ledger serve --max-body-memory`; docs/api.md, "Limits"). Issue 14: a dozen 16 MiB bodies read
// and parsed at once took gigabytes, whatever each body's own limit. A body over kFreeBodyBytes
// (api.h) takes a share as it is read, BodyCharge of its size: its bytes and the parse it may
// build; the share is held until the response is written. A body that finds the budget spent is
// answered 503 body_memory_busy at once, not queued: a queue of waiting bodies would itself be
// memory, and a client of large bodies can retry. Small bodies never take a share. A heavy body
// (over kHeavyBodyBytes) also takes one of the heavy slots (one per heavy request thread): its
// read and parse cost a core for tens of milliseconds, and several at once took the cores from
// appends and reads (bench attack on 2 cores: normal client p99 10-30 ms with two 16 MiB bodies
// at a time, 5-22 ms with one, median of runs about 10).
//
// Thread-safe: connections on every network thread share one budget.
#ifndef SERVER_SRC_BODY_BUDGET_H_
#define SERVER_SRC_BODY_BUDGET_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "periodic_thread.h"

namespace ledger::server::internal {

class BodyBudget {
 public:
  BodyBudget() = default;
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // One body's part of the budget; given back when destroyed or Released. Move-only.
  class Share {
   public:
    explicit Share(BodyBudget& budget) : budget_(&budget) {}
    ~Share() { Release(); }
    Share(const Share&) = delete;
    Share& operator=(const Share&) = delete;

    // Makes the share `bytes` (never smaller than it is) if the budget of `capacity` has room;
    // false, and the share unchanged, otherwise.
    bool GrowTo(size_t bytes, size_t capacity);
    // Takes one of the `slots` places of heavy bodies (over kHeavyBodyBytes, api.h) read or
    // handled at once, if one is free; true if this share has one (then or before).
    bool TakeHeavySlot(size_t slots);
    // Gives the share back, its heavy slot with it. True if there was a share: a large body is
    // done, and what its parse left free in the heap should go back to the system
    // (HeapTrimmer::LargeBodyDone).
    bool Release();
    size_t bytes() const { return bytes_; }

   private:
    BodyBudget* budget_;
    size_t bytes_ = 0;
    bool heavy_ = false;
  };

  size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  std::atomic<size_t> in_use_{0};
  std::atomic<size_t> heavy_{0};  // Shares holding a heavy slot
};

// Process-wide allocator settings for a server that reads large bodies now and then (called once
// by Server::Start): glibc's malloc raises its mmap threshold after each large block is freed, up
// to 32 MiB, so that later 16 MiB bodies come from the heap and stay in the process after they
// are freed (issue 14: 5.7 GB still held after a burst). A fixed threshold of 1 MiB keeps every
// block that large in its own mapping, unmapped when freed.
void ConfigureAllocatorForBodies();

// Returns the heap's free pages to the system (glibc's malloc_trim, every arena) after large
// bodies: what a burst of large parses left behind. A trim walks every arena holding its lock,
// milliseconds on a large heap, and requests allocating meanwhile wait for it: so at most one a
// period (a second), on this object's own thread, and one within a period after the last large
// body, so that the memory is back soon after a burst ends. (Trimming after every large body
// from a worker put groups of slow requests into a normal client's tail under a body attack.)
class HeapTrimmer {
 public:
  explicit HeapTrimmer(std::chrono::milliseconds period = std::chrono::seconds(1));
  ~HeapTrimmer();  // Stops.
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

  void Start();
  void Stop();
  // A large body is done: a trim is due within the period.
  void LargeBodyDone() { due_.store(true, std::memory_order_relaxed); }
  uint64_t trims() const { return trims_.load(std::memory_order_relaxed); }

 private:
  const std::chrono::milliseconds period_;
  std::atomic<bool> due_{false};
  std::atomic<uint64_t> trims_{0};
  PeriodicThread thread_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_BODY_BUDGET_H_
