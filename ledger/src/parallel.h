// Work split over the cores: what appends and replication do per event before the single
// writer (decoding, validation, signature checks), so that one caller can use the machine.
#ifndef LEDGER_SRC_PARALLEL_H_
#define LEDGER_SRC_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace ledger::internal {

// work(begin, end) over [0, n) on up to every core, in slices of at least 64 items (fewer
// items than that are not worth a thread); returns when all are done.
inline void RunOnAllCores(size_t n, const std::function<void(size_t, size_t)>& work) {
  constexpr size_t kMinPerThread = 64;
  const size_t threads =
      std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), n / kMinPerThread);
  if (threads <= 1) {
    work(0, n);
    return;
  }
  std::vector<std::thread> pool;
  const size_t per = (n + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    pool.emplace_back(work, t * per, std::min(n, (t + 1) * per));
  }
  work(0, std::min(n, per));
  for (auto& th : pool) th.join();
}

}  // namespace ledger::internal

#endif  // LEDGER_SRC_PARALLEL_H_
