#include "append_rules.h"

#include <string>

#include "access_policy.h"
#include "crypto.h"
#include "ledger/time_format.h"

namespace ledger::internal {

Status CheckExpectedVersion(const PreparedEvent& p, const StreamHeadRecord& head) {
  switch (p.expected) {
    case ExpectedKind::kAny:
      return Status::Ok();
    case ExpectedKind::kNoStream:
      if (head.next_version != 0) {
        return Status::Conflict("expected_version no_stream, but " + p.stream + " has " +
                                std::to_string(head.next_version) + " events");
      }
      return Status::Ok();
    case ExpectedKind::kExists:
      if (head.next_version == 0) {
        return Status::Conflict("expected_version exists, but " + p.stream + " has no events");
      }
      return Status::Ok();
    case ExpectedKind::kExact:
      if (head.next_version != p.expected_version + 1) {
        return Status::Conflict("expected_version " + std::to_string(p.expected_version) +
                                ", but the last event of " + p.stream + " is " +
                                (head.next_version == 0
                                     ? std::string("none (no such stream)")
                                     : "version " + std::to_string(head.next_version - 1)));
      }
      return Status::Ok();
  }
  return Status::Ok();
}

Status CheckStreamOrder(const PreparedEvent& p, const StreamHeadRecord& head) {
  if (head.shredded) {
    return Status::FailedPrecondition(p.stream +
                                      " was shredded (subject.shredded): nothing may follow");
  }
  if (p.stream.starts_with("case/")) {
    if (head.next_version == 0 && p.type != "case.opened") {
      return Status::FailedPrecondition("the first event of " + p.stream +
                                        " must be case.opened, not " + p.type);
    }
    if (head.next_version != 0 && p.type == "case.opened") {
      return Status::FailedPrecondition(p.stream + " is already opened (case.opened at version 0)");
    }
  }
  return Status::Ok();
}

Status CheckAuthor(const KeyInfo& author, const PreparedEvent& p, const StreamHeadRecord& head) {
  if (author.revoked) {
    return Status::PermissionDenied("key " + author.key_id_hex + " (" + author.name +
                                    ") was revoked at " +
                                    FormatInstantMicros(author.revoked_at_us));
  }
  if (p.actor_role != author.role) {
    return Status::PermissionDenied(
        "actor.role is " + p.actor_role + " but the event is signed by key " + author.key_id_hex +
        " of role " + author.role + ": the record must name the role that acted");
  }
  if (!RoleMayAppend(author.role, p.type)) {
    return Status::PermissionDenied("key " + author.key_id_hex + " has role " + author.role +
                                    ", which may not append " + p.type);
  }
  std::string_view office =
      p.type == "case.opened" ? std::string_view(p.office) : std::string_view(head.office);
  if (!ScopeAllows(author.scope, p.stream, office)) {
    return Status::PermissionDenied("key " + author.key_id_hex + " is not allowed to write to " +
                                    p.stream + " (outside its scope)");
  }
  return Status::Ok();
}

Result<KeyInfo> ApplyKeyChange(const KeyChange& change, const std::optional<KeyInfo>& current,
                               bool public_key_registered, uint64_t seq, int64_t recorded_at_us) {
  if (!change.revoke) {
    if (current) {
      return Status::Conflict("key " + current->key_id_hex + " is already registered (as " +
                              current->name + ")");
    }
    if (public_key_registered) {
      return Status::Conflict("data.public_key is already registered under another name");
    }
    KeyInfo key = change.info;
    key.registered_seq = seq;
    key.registered_at_us = recorded_at_us;
    return key;
  }
  if (!current) {
    return Status::NotFound("data.key_id: key " + HexEncode(change.key_id) + " is not registered");
  }
  if (current->revoked) {
    return Status::FailedPrecondition("data.key_id: key " + current->key_id_hex +
                                      " is already revoked");
  }
  KeyInfo key = *current;
  key.revoked = true;
  key.revoked_seq = seq;
  key.revoked_at_us = recorded_at_us;
  return key;
}

Status CheckCaseRules(const PreparedEvent& p, const StreamHeadRecord& head,
                      const CaseRulesConfig& config) {
  if (!config.enforce) return Status::Ok();
  return CheckCaseEvent(p.case_facts, p.stream, p.occurred_at_us, head.case_state, config);
}

void AdvanceStreamHead(StreamHeadRecord& head, const PreparedEvent& p, uint64_t seq,
                       bool keep_case_state) {
  head.next_version++;
  if (p.type == "case.opened") head.office = p.office;
  if (p.type == "subject.shredded") {
    head.shredded = true;
    head.case_state = CaseState{};  // nothing may follow; keep no state about the person
  } else if (keep_case_state) {
    ApplyCaseEvent(p.case_facts, p.occurred_at_us, seq, &head.case_state);
  }
}

}  // namespace ledger::internal
