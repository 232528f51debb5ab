#include "ledger/append_stages.h"

#include "stage_timer.h"

namespace ledger {
void EnableAppendStageTimes(bool on) { internal::Stages().on.store(on, std::memory_order_relaxed); }

AppendStageTimes ReadAppendStageTimes() {
  const auto& a = internal::Stages().appenders;
  const auto& w = internal::Stages().writer;
  auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  AppendStageTimes t;
  t.events = get(w.events);
  t.groups = get(w.groups);
  t.decode_ns = get(a.decode_ns);
  t.verify_ns = get(a.verify_ns);
  t.id_index_ns = get(w.id_index_ns);
  t.rules_ns = get(w.rules_ns);
  t.tree_ns = get(w.tree_ns);
  t.records_ns = get(w.records_ns);
  t.apply_ns = get(w.apply_ns);
  t.write_ns = get(w.write_ns);
  t.write_cpu_ns = get(w.write_cpu_ns);
  t.publish_ns = get(w.publish_ns);
  t.checkpoint_ns = get(w.checkpoint_ns);
  return t;
}

void ResetAppendStageTimes() {
  auto& a = internal::Stages().appenders;
  auto& w = internal::Stages().writer;
  for (auto* c : {&a.decode_ns, &a.verify_ns}) c->store(0, std::memory_order_relaxed);
  for (auto* c : {&w.events, &w.groups, &w.id_index_ns, &w.rules_ns, &w.tree_ns, &w.records_ns,
                  &w.apply_ns, &w.write_ns, &w.write_cpu_ns, &w.publish_ns, &w.checkpoint_ns}) {
    c->store(0, std::memory_order_relaxed);
  }
}

}  // namespace ledger
