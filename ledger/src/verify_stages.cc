#include "ledger/verify_stages.h"

#include "stage_timer.h"

namespace ledger {

void EnableVerifyStageTimes(bool on) { internal::Stages().on.store(on, std::memory_order_relaxed); }

VerifyStageTimes ReadVerifyStageTimes() {
  const auto& v = internal::Stages().verifier;
  auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  VerifyStageTimes t;
  t.entries = get(v.entries);
  t.leaf_hash_ns = get(v.leaf_hash_ns);
  t.decode_ns = get(v.decode_ns);
  t.prepare_ns = get(v.prepare_ns);
  t.signature_ns = get(v.signature_ns);
  t.derived_ns = get(v.derived_ns);
  t.keys_ns = get(v.keys_ns);
  t.in_order_ns = get(v.in_order_ns);
  t.nodes_ns = get(v.nodes_ns);
  return t;
}

void ResetVerifyStageTimes() {
  auto& v = internal::Stages().verifier;
  for (auto* c : {&v.entries, &v.leaf_hash_ns, &v.decode_ns, &v.prepare_ns, &v.signature_ns,
                  &v.derived_ns, &v.keys_ns, &v.in_order_ns, &v.nodes_ns}) {
    c->store(0, std::memory_order_relaxed);
  }
}

}  // namespace ledger
