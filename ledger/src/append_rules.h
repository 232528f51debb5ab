// The rules an event must satisfy against the state of the log before it: shared by the writer
// (which refuses) and the verifier (which reports the first entry that broke one), so both
// judge a log by the same rules.
#ifndef LEDGER_SRC_APPEND_RULES_H_
#define LEDGER_SRC_APPEND_RULES_H_

#include <optional>

#include "base/status.h"
#include "case_rules.h"
#include "ledger/types.h"
#include "prepared_event.h"
#include "records.h"

namespace ledger::internal {

// expected_version against the stream's head (Conflict).
Status CheckExpectedVersion(const PreparedEvent& p, const StreamHeadRecord& head);

// Order within a stream: a case stream starts with case.opened and has only one; nothing follows
// subject.shredded (FailedPrecondition).
Status CheckStreamOrder(const PreparedEvent& p, const StreamHeadRecord& head);

// The case rules against the stream's state (case_rules.h); Ok for streams that are not cases.
Status CheckCaseRules(const PreparedEvent& p, const StreamHeadRecord& head,
                      const CaseRulesConfig& config);

// The author's key may append this event: not revoked, role allows the type, scope allows the
// stream (PermissionDenied).
Status CheckAuthor(const KeyInfo& author, const PreparedEvent& p, const StreamHeadRecord& head);

// The registry entry after a key event: a registration of a new key (Conflict if `current`
// exists) or the revocation of a registered, unrevoked key (NotFound / FailedPrecondition).
// A public key may be registered once only (under one key id, whatever the name), so that
// revoking it revokes it everywhere; `public_key_registered` says whether it already is.
Result<KeyInfo> ApplyKeyChange(const KeyChange& change, const std::optional<KeyInfo>& current,
                               bool public_key_registered, uint64_t seq, int64_t recorded_at_us);

// Advances `head` past `p`, appended at `seq` (and its case state, with keep_case_state).
void AdvanceStreamHead(StreamHeadRecord& head, const PreparedEvent& p, uint64_t seq,
                       bool keep_case_state = true);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_APPEND_RULES_H_
