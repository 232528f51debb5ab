#include "body_budget.h"

#include <malloc.h>

namespace ledger::server::internal {

bool BodyBudget::Share::GrowTo(size_t bytes, size_t capacity) {
  if (bytes <= bytes_) return true;
  const size_t more = bytes - bytes_;
  size_t used = budget_->in_use_.load(std::memory_order_relaxed);
  do {
    if (used > capacity || more > capacity - used) return false;
  } while (!budget_->in_use_.compare_exchange_weak(used, used + more, std::memory_order_relaxed));
  bytes_ = bytes;
  return true;
}

bool BodyBudget::Share::TakeHeavySlot(size_t slots) {
  if (heavy_) return true;
  size_t taken = budget_->heavy_.load(std::memory_order_relaxed);
  do {
    if (taken >= slots) return false;
  } while (!budget_->heavy_.compare_exchange_weak(taken, taken + 1, std::memory_order_relaxed));
  heavy_ = true;
  return true;
}

bool BodyBudget::Share::Release() {
  if (heavy_) {
    budget_->heavy_.fetch_sub(1, std::memory_order_relaxed);
    heavy_ = false;
  }
  if (bytes_ == 0) return false;
  budget_->in_use_.fetch_sub(bytes_, std::memory_order_relaxed);
  bytes_ = 0;
  return true;
}

void ConfigureAllocatorForBodies() {
  // Setting the threshold also fixes it (no more dynamic raising) and keeps the trim threshold
  // at its 128 KiB default, so the main heap's free top is returned as it grows.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

HeapTrimmer::HeapTrimmer(std::chrono::milliseconds period) : period_(period) {}

HeapTrimmer::~HeapTrimmer() { Stop(); }

void HeapTrimmer::Start() {
  thread_.Start("ledger-trim", period_, [this] {
    if (!due_.exchange(false, std::memory_order_relaxed)) return;
    malloc_trim(0);
    trims_.fetch_add(1, std::memory_order_relaxed);
  });
}

void HeapTrimmer::Stop() { thread_.Stop(); }

}  // namespace ledger::server::internal
