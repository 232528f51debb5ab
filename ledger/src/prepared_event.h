// An event checked as far as it can be without the ledger's state, on the appender's own thread
// so that signature checks of concurrent appenders run on all cores while the single writer only
// does what needs the state (ids, versions, keys).
#ifndef LEDGER_SRC_PREPARED_EVENT_H_
#define LEDGER_SRC_PREPARED_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case_facts.h"
#include "ledger/types.h"

namespace ledger::internal {

class KeyRegistry;

enum class ExpectedKind { kAny, kNoStream, kExists, kExact };

// What a key event changes in the registry.
struct KeyChange {
  bool revoke = false;
  std::string key_id;  // 4 bytes
  KeyInfo info;        // for a registration: name, key, role, scope
};

// The position another ledger gave a stored entry that this one replicates
// (EventLog::AppendReplicated): the writer takes it instead of assigning one, after checking it is
// the one it would assign, and stores exactly `entry_bytes`.
struct ReplicatedPosition {
  uint64_t seq = 0;
  uint64_t version = 0;
  int64_t recorded_at_us = 0;
  std::string entry_bytes;
};

struct PreparedEvent {
  const SignedEvent* source = nullptr;
  std::string id;
  std::string stream;
  std::string subject;  // empty when the event names none
  std::string type;
  ExpectedKind expected = ExpectedKind::kAny;
  uint64_t expected_version = 0;
  std::string office;  // case.opened only
  std::string actor_role;
  int64_t occurred_at_us = 0;
  std::string content_digest;
  bool has_personal = false;  // the event carries digests of personal values
  std::optional<KeyChange> key_change;
  CaseFacts case_facts;  // case streams only
  // False when the author's key was not in the committed registry when prepared (a key
  // registered earlier in the same group, or the ledger's first key): the writer checks then.
  bool signature_checked = false;
  // Set for a replicated entry only.
  std::optional<ReplicatedPosition> replicated;
};

// Decodes and validates `event`, its disclosures included. `now_us` is the ledger clock for the
// occurred_at bound. The signature is left to the caller (signature_checked stays false): the
// appenders check it against a registered key, the writer against a key of the same batch.
Result<PreparedEvent> PrepareEvent(const SignedEvent& event, int64_t now_us);

// The same checks on a stored entry's event, for verification: disclosures are not part of the
// entry and the signature is left to the caller (signature_checked stays false); occurred_at is
// bounded by the entry's recorded_at.
Result<PreparedEvent> PrepareStoredEvent(const SignedEvent& event, int64_t recorded_at_us);

// The writer's signature check for events prepared with signature_checked = false.
Status VerifyEventSignature(const SignedEvent& event, std::string_view public_key);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_PREPARED_EVENT_H_
