// Metrics of a part started after the server (the replication publisher or follower, which
// need the server's ledger), for ServerOptions::extra_metrics: set once the part runs, cleared
// before it stops.
#ifndef LEDGER_CLI_LATE_METRICS_H_
#define LEDGER_CLI_LATE_METRICS_H_

#include <functional>
#include <memory>
#include <string>

#include "base/mutex.h"

namespace ledger::cli {

class LateMetrics {
 public:
  void Set(std::function<std::string()> source) LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    source_ = std::move(source);
  }
  std::string Render() LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return source_ ? source_() : std::string();
  }
  // The hook for ServerOptions::extra_metrics; valid while `self` lives.
  static std::function<std::string()> Hook(const std::shared_ptr<LateMetrics>& self) {
    return [self] { return self->Render(); };
  }

 private:
  Mutex mu_;
  std::function<std::string()> source_ LEDGER_GUARDED_BY(mu_);
};

}  // namespace ledger::cli

#endif  // LEDGER_CLI_LATE_METRICS_H_
