# Records the ledger keeps beside its entries to answer appends without replaying the log. They
# are derived state: every one of them can be rebuilt from the entries (docs/architecture.md).
# Do not change field ordinals.
@0xb4b42abf823bf107;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::schema");

# meta/head: the log's size and clock, written in every commit.
struct LedgerHead {
  size @0 :UInt64;            # number of entries; the next seq
  lastRecordedAt @1 :Int64;   # recorded_at of entry size-1, microseconds
  streams @2 :UInt64;         # number of streams
}

# meta/identity: written once by `ledger init`.
struct LedgerIdentity {
  origin @0 :Text;            # checkpoint origin line and ledger key name
  publicKey @1 :Data;         # the ledger's Ed25519 public key (checkpoints)
  createdAt @2 :Int64;
  formatVersion @3 :UInt16;   # on-disk format
  firstAdminKeyId @4 :Data;   # the only key the ledger accepts a self-signed registration from
  maxAgreementProblems @5 :UInt32 = 3;  # case rule: main problems per agreement
}

# stream_heads/<stream>
struct StreamHead {
  nextVersion @0 :UInt64;
  office @1 :Text;            # from case.opened, for office-scoped keys
  shredded @2 :Bool;          # subject.shredded was appended: nothing may follow
  caseState @3 :CaseState;    # case streams only
}

# keys/<4-byte key id>
struct KeyState {
  keyIdHex @0 :Text;
  name @1 :Text;
  publicKey @2 :Data;
  role @3 :Text;
  scope @4 :List(Text);
  registeredSeq @5 :UInt64;
  registeredAt @6 :Int64;
  revoked @7 :Bool;
  revokedSeq @8 :UInt64;
  revokedAt @9 :Int64;
}

# The per-stream state the case rules are checked against (docs/privacy.md, "Case rules"): the
# ids each kind of event created in the stream and the state they are in, the consent facts and
# restrictions the consent decision needs, and what the retention policy looks at. Small: a
# case has tens of ids, not the events themselves.
struct CaseState {
  closed @0 :Bool;
  closedAt @1 :Int64;           # occurred_at of the latest case.closed
  municipality @2 :Text;        # from case.opened
  programme @3 :Text;
  intakeDate @4 :Text;
  decisions @5 :List(FlaggedId);     # flag: outcome granted or partly
  conditions @6 :List(Text);
  exemptions @7 :List(Text);
  breaches @8 :List(BreachState);
  sanctions @9 :List(SanctionState);
  courses @10 :List(FlaggedId);      # flag: ended
  agreements @11 :List(AgreementState);
  consents @12 :List(ConsentState);
  referrals @13 :List(Text);
  disclosures @14 :List(Text);
  erasures @15 :List(ErasureState);
  restrictions @16 :List(RestrictionState);
  plans @17 :List(Text);
}

struct FlaggedId {
  id @0 :Text;
  flag @1 :Bool;
}

struct BreachState {
  id @0 :Text;
  notified @1 :Bool;
  assessed @2 :Bool;
}

struct SanctionState {
  id @0 :Text;
  lifted @1 :Bool;
  appealed @2 :Bool;
  appealDecided @3 :Bool;
}

struct AgreementState {
  id @0 :Text;
  closed @1 :Bool;
  problems @2 :List(Text);
  tasks @3 :List(Text);
}

struct ConsentState {
  id @0 :Text;
  given @1 :Bool;
  givenAt @2 :Int64;
  expiresAt @3 :Int64;
  purposes @4 :List(Text);
  recipients @5 :List(Text);
  categories @6 :List(Text);
  renewals @7 :List(ConsentRenewalState);
  refused @8 :Bool;
  refusedAt @9 :Int64;
  hasWithdrawn @10 :Bool;
  withdrawnEffective @11 :Int64;
  hasRevoked @12 :Bool;
  revokedAt @13 :Int64;
  hasInvalidated @14 :Bool;
  invalidatedAt @15 :Int64;
  hasReplaced @16 :Bool;
  replacedAt @17 :Int64;
  replacedBy @18 :Text;
}

struct ConsentRenewalState {
  occurredAt @0 :Int64;
  seq @1 :UInt64;
  expiresAt @2 :Int64;
}

struct ErasureState {
  id @0 :Text;
  decided @1 :Bool;
  granted @2 :Bool;
}

struct RestrictionState {
  purpose @0 :Text;
  from @1 :Int64;
  lifted @2 :Bool;
  until @3 :Int64;
}
