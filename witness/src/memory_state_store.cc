#include <utility>

#include "witness/state_store.h"

namespace witness {
namespace {

class MemoryStateStore final : public StateStore {
 public:
  explicit MemoryStateStore(std::function<bool()> fail_saves)
      : fail_saves_(std::move(fail_saves)) {}

  ledger::Result<LogHeads> Load() override { return heads_; }

  ledger::Status Save(const LogHeads& heads) override {
    if (fail_saves_ && fail_saves_()) return ledger::Status::IOError("injected save failure");
    heads_ = heads;
    return ledger::Status::Ok();
  }

 private:
  std::function<bool()> fail_saves_;
  LogHeads heads_;
};

}  // namespace

std::unique_ptr<StateStore> NewMemoryStateStore(std::function<bool()> fail_saves) {
  return std::make_unique<MemoryStateStore>(std::move(fail_saves));
}

}  // namespace witness
