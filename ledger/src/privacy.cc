// PersonalData: the reads and decisions of docs/privacy.md over the kept state (stream heads,
// the vault, the policy), and making shreddings reach the files.
#include "ledger/privacy.h"

#include <utility>

#include "access_policy.h"
#include "base/hex.h"
#include "case_rules.h"
#include "ledger/event_codec.h"
#include "ledger_state.h"
#include "records.h"
#include "storage/kv_store.h"

namespace ledger {

using internal::Column;
using internal::KvStore;

namespace {

Result<internal::StreamHeadRecord> StreamHead(KvStore& store, std::string_view stream) {
  LEDGER_ASSIGN_OR_RETURN(auto bytes, store.Get(Column::kStreamHeads, stream));
  return internal::DecodeStreamHead(bytes);
}

}  // namespace

Result<PersonalValues> PersonalData::ReadPersonal(uint64_t seq, std::string_view reader_key_id) {
  auto reader = state_->keys().Find(std::string(reader_key_id));
  if (!reader) {
    return Status::PermissionDenied("unknown key " + HexEncode(reader_key_id) +
                                    ": it is not registered in this ledger");
  }
  if (reader->revoked) {
    return Status::PermissionDenied("key " + reader->key_id_hex + " was revoked");
  }
  LEDGER_ASSIGN_OR_RETURN(auto entry, state_->ReadSeq(seq));
  LEDGER_ASSIGN_OR_RETURN(auto summary, SummarizeEvent(entry.event));
  if (reader->role != "dpo" && reader->role != "caseworker") {
    return Status::PermissionDenied("key " + reader->key_id_hex + " has role " + reader->role +
                                    ", which sees personal values only as digests");
  }
  PersonalValues out;
  if (!summary.has_personal) return out;
  auto head = StreamHead(*state_->store(), summary.stream);
  if (!head.ok()) return head.status();
  if (reader->role == "caseworker" &&
      !internal::ScopeAllows(reader->scope, summary.stream, head->office)) {
    return Status::PermissionDenied("key " + reader->key_id_hex + " may not read " +
                                    summary.stream + " (outside its scope)");
  }
  if (head->shredded) {
    out.state = PersonalValues::State::kErased;
    return out;
  }
  if (seq < state_->values_from()) {
    if (!state_->replica()) {
      return Status::FailedPrecondition(
          "the personal values of entry " + std::to_string(seq) +
          " were never held here: this directory was a replica, promoted to primary at seq " +
          std::to_string(state_->values_from()) +
          "; the values of earlier entries are in the old primary's backups "
          "(docs/replication.md, \"Failover\")");
    }
    return Status::FailedPrecondition(
        "the personal values of entry " + std::to_string(seq) +
        " are kept only by the primary: this directory is a replica of it (docs/replication.md)");
  }
  auto key = state_->vault().SubjectKey(summary.subject);
  if (!key.ok()) {
    if (key.status().code() != StatusCode::kNotFound) return key.status();
    // Shredded between the two reads?
    LEDGER_ASSIGN_OR_RETURN(auto again, StreamHead(*state_->store(), summary.stream));
    if (again.shredded) {
      out.state = PersonalValues::State::kErased;
      return out;
    }
    return Status::Corruption("the key of subject " + summary.subject + " is missing");
  }
  auto sealed =
      state_->store()->Get(Column::kPersonal, internal::PersonalValueKey(summary.subject, seq));
  if (!sealed.ok()) {
    if (sealed.status().code() == StatusCode::kNotFound) {
      return Status::Corruption("the personal values of seq " + std::to_string(seq) +
                                " are missing from the vault");
    }
    return sealed.status();
  }
  LEDGER_ASSIGN_OR_RETURN(out.values, state_->vault().Open(*key, summary.subject, seq, *sealed));
  out.state = PersonalValues::State::kPresent;
  return out;
}

Result<SubjectConsents> PersonalData::Consents(std::string_view subject) {
  std::string stream = "case/" + std::string(subject);
  auto bytes = state_->store()->Get(Column::kStreamHeads, stream);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no case for subject " + std::string(subject));
    }
    return bytes.status();
  }
  SubjectConsents out;
  out.subject = std::string(subject);
  LEDGER_RETURN_IF_ERROR(internal::DecodeStreamConsents(*bytes, &out));
  return out;
}

Result<ConsentDecision> PersonalData::DecideConsent(const ConsentQuestion& q) {
  LEDGER_ASSIGN_OR_RETURN(auto facts, Consents(q.subject));
  if (facts.shredded) {
    ConsentDecision d;
    d.answer = ConsentAnswer::kErased;
    return d;
  }
  return ::ledger::DecideConsent(facts.consents, facts.restrictions, q);
}

LedgerPolicy PersonalData::PrivacyPolicy() { return state_->writer().privacy_policy(); }

Status PersonalData::SetPrivacyPolicy(const LedgerPolicy& policy, std::string_view admin_key_id) {
  if (state_->read_only()) return state_->ReadOnlyRefusal("setting the policy");
  auto admin = state_->keys().Find(std::string(admin_key_id));
  if (!admin || admin->revoked || admin->role != "admin") {
    return Status::PermissionDenied("only a registered, unrevoked admin key may change the policy");
  }
  internal::KvWriteBatch batch;
  batch.Put(Column::kMeta, std::string(internal::kMetaPrivacyPolicyKey), PolicyToJson(policy));
  LEDGER_RETURN_IF_ERROR(state_->store()->Write(batch, /*sync=*/true));
  state_->writer().SetPrivacyPolicy(policy);
  return Status::Ok();
}

Result<std::vector<RetentionStanding>> PersonalData::RetentionReview(int64_t now_us) {
  LedgerPolicy policy = state_->writer().privacy_policy();
  std::vector<RetentionStanding> out;
  auto it = state_->store()->NewIterator(Column::kStreamHeads);
  for (it->Seek("case/"); it->Valid() && it->key().starts_with("case/"); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(auto head, internal::DecodeStreamHead(it->value()));
    if (head.shredded || !head.case_state.closed) continue;
    const internal::CaseState& cs = head.case_state;
    RetentionStanding r;
    r.subject = std::string(it->key().substr(5));
    r.closed_at_us = cs.closed_at_us;
    if (const ArchiveRule* a =
            policy.ArchiveRuleFor(cs.municipality, cs.programme, cs.intake_date)) {
      r.archive_rule = a->name;
      r.reason = "archived under " + a->name + " (" + a->ground + ")";
    } else if (policy.retention.empty()) {
      r.reason = "the policy has no retention rule";
    }
    for (const RetentionRule& rule : policy.retention) {
      if (!r.archive_rule.empty()) break;
      internal::CaseFacts shred;
      shred.op = internal::CaseOp::kSubjectShredded;
      shred.retention_rule = rule.name;
      Status s = internal::CheckCasePolicy(shred, std::string(it->key()), now_us, cs, policy);
      if (s.ok()) {
        r.due_rule = rule.name;
        r.reason.clear();
        break;
      }
      r.reason = s.message();
    }
    out.push_back(std::move(r));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

Status PersonalData::Compact() {
  if (state_->read_only()) return state_->ReadOnlyRefusal("compaction");
  return state_->store()->CompactAll();
}

Status PersonalData::PurgeErased() {
  if (state_->read_only()) return state_->ReadOnlyRefusal("an erasure purge");
  return state_->purger()->PurgeNow();
}

ErasurePurgeState PersonalData::ErasurePurge() {
  if (state_->purger()) return state_->purger()->State();
  // Read-only: what is pending, from the stored to-do records.
  ErasurePurgeState state;
  auto it = state_->store()->NewIterator(Column::kMeta);
  for (it->Seek(internal::kMetaPurgePrefix);
       it->Valid() && it->key().starts_with(internal::kMetaPurgePrefix); it->Next()) {
    ++state.pending;
  }
  state.last_error = it->status();
  return state;
}

}  // namespace ledger
