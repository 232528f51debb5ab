// A projection for replayer tests: records the (seq, type) of every event it is given, and can
// be told to fail on one seq (as a damaged entry would) or to claim another version.
#ifndef LEDGER_TESTS_REPLAY_RECORDING_PROJECTION_H_
#define LEDGER_TESTS_REPLAY_RECORDING_PROJECTION_H_

#include <kj/debug.h>

#include <optional>
#include <string>
#include <vector>

#include "replay/event_view.h"
#include "replay/projection.h"
#include "replay/state_codec.h"

namespace ledger::testing {

class RecordingProjection final : public replay::Projection {
 public:
  explicit RecordingProjection(std::string name = "recording", uint32_t version = 1)
      : name_(std::move(name)), version_(version) {}

  std::string_view name() const override { return name_; }
  uint32_t version() const override { return version_; }
  void Apply(const replay::EventView& e) override {
    if (fail_at_ && *fail_at_ == e.seq()) KJ_FAIL_REQUIRE("injected failure");
    seen_.push_back({e.seq(), static_cast<uint32_t>(e.type())});
  }
  void Reset() override { seen_.clear(); }
  std::string Serialize() const override {
    replay::StateWriter w;
    w.PutUvarint(seen_.size());
    for (const auto& [seq, type] : seen_) {
      w.PutUvarint(seq);
      w.PutUvarint(type);
    }
    return w.Release();
  }
  Status Restore(std::string_view bytes) override {
    replay::StateReader r(bytes);
    std::vector<std::pair<uint64_t, uint32_t>> seen;
    uint64_t n = 0;
    r.GetCount(&n);
    for (uint64_t i = 0; i < n && !r.failed(); ++i) {
      uint64_t seq = 0;
      uint32_t type = 0;
      r.GetUvarint(&seq);
      r.GetU32(&type);
      seen.push_back({seq, type});
    }
    Status s = r.Finish("recording state");
    if (!s.ok()) {
      Reset();
      return s;
    }
    seen_ = std::move(seen);
    return Status::Ok();
  }

  const std::vector<std::pair<uint64_t, uint32_t>>& seen() const { return seen_; }
  void FailAt(uint64_t seq) { fail_at_ = seq; }

 private:
  std::string name_;
  uint32_t version_;
  std::optional<uint64_t> fail_at_;
  std::vector<std::pair<uint64_t, uint32_t>> seen_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_REPLAY_RECORDING_PROJECTION_H_
