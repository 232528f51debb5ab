#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "base/mutex.h"

namespace ledger::server::internal {

bool RateLimiter::Allow(const std::string& key, double cost, int* retry_after_s) {
  if (rate_ <= 0) return true;
  const auto now = std::chrono::steady_clock::now();
  MutexLock lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.at = now;
  // A request costlier than the whole burst may pass when the bucket is full, or it never could.
  const double need = std::min(cost, burst_);
  if (b.tokens >= need) {
    b.tokens -= need;
    return true;
  }
  *retry_after_s = std::max(1, static_cast<int>(std::ceil((need - b.tokens) / rate_)));
  return false;
}

}  // namespace ledger::server::internal
