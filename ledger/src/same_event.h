// When a retried append is "the same event" (docs/formats.md, "Personal digest").
//
// Personal-digest salts are random, so signing the same input twice gives other digests, other
// bytes and another signature. Two events with one id are the same event when their canonical
// bytes are equal once the `personal` digests are removed, and they disclose the same values
// (the same (field, value) pairs, whatever their salts). Events without personal values are the
// same only when their bytes are.
#ifndef LEDGER_SRC_SAME_EVENT_H_
#define LEDGER_SRC_SAME_EVENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/types.h"

namespace ledger::internal {

// The canonical bytes of the event with its `personal` field removed. Corruption if the bytes
// are not a canonical event.
Result<std::string> CanonicalWithoutPersonal(std::string_view canonical_event);

// Whether both lists disclose the same (field, value) pairs; salts are not compared.
bool SameDisclosedValues(const std::vector<Disclosure>& a, const std::vector<Disclosure>& b);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_SAME_EVENT_H_
