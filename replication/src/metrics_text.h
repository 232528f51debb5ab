// Prometheus text exposition of a few gauges and counters (the server appends it to
// GET /v1/metrics). Values are formatted so that promtool accepts them.
#ifndef REPLICATION_SRC_METRICS_TEXT_H_
#define REPLICATION_SRC_METRICS_TEXT_H_

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace ledger::replication::internal {

class MetricsText {
 public:
  void Gauge(std::string_view name, std::string_view help, double value) {
    Add(name, help, "gauge", value);
  }
  // REQUIRES: name ends in "_total".
  void Counter(std::string_view name, std::string_view help, double value) {
    Add(name, help, "counter", value);
  }
  const std::string& text() const { return text_; }

 private:
  void Add(std::string_view name, std::string_view help, std::string_view type, double value) {
    text_ +=
        fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  }
  std::string text_;
};

}  // namespace ledger::replication::internal

#endif  // REPLICATION_SRC_METRICS_TEXT_H_
