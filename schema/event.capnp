# The event catalogue (../shared/spec/events.md) as Cap'n Proto. The canonical encoding of an
# `Event` is what an author signs and what the ledger stores inside an `Entry`.
#
# Do not change: field ordinals, enumerant order, the `eventType` names and the `format` of a
# field. A type may gain optional fields (new ordinals, annotated $optional); changing what a
# field means needs a new schema_version and an upcast on read.
#
# JSON names are the snake_case of the Cap'n Proto names (grantNok -> grant_nok); enumerants
# likewise (workFull -> "work_full").
@0xc483d4888429553c;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::schema");

using import "annotations.capnp".optional;
using import "annotations.capnp".format;
using import "annotations.capnp".min;
using import "annotations.capnp".max;
using import "annotations.capnp".minItems;
using import "annotations.capnp".maxItems;
using import "annotations.capnp".eventType;

enum Role { admin @0; caseworker @1; service @2; dpo @3; auditor @4; evaluator @5; subscriber @6; }

struct Actor {
  id @0 :Text $format("id");
  role @1 :Role;
}

# Salted SHA-256 digests of a participant's personal values (docs/formats.md, "Personal digest").
# The values themselves never enter an event.
struct PersonalDigests {
  name @0 :Data $optional $format("sha256");
  nationalId @1 :Data $optional $format("sha256");
  birthDate @2 :Data $optional $format("sha256");
  notes @3 :Data $optional $format("sha256");
}

enum Purpose { caseCoordination @0; referralCommittee @1; evaluation @2; statistics @3; }
enum DataCategory { identity @0; economy @1; health @2; education @3; caseNotes @4; }
enum Sex { female @0; male @1; other @2; }

# ---- Case and assistance ----
struct CaseOpened {
  municipality @0 :Text $format("kommune");
  office @1 :Text $format("id");
  programme @2 :Text $format("code");
  intakeDate @3 :Text $format("date");
  ageAtIntake @4 :UInt8 $min(15) $max(99);
  sex @5 :Sex;
  referralSource @6 :Text $format("code");
}
enum CloseReason { work @0; education @1; otherBenefit @2; moved @3; noContact @4; other @5; }
struct CaseClosed { reason @0 :CloseReason; }
struct CaseReopened { reason @0 :Text $format("code"); }

enum DecisionOutcome { granted @0; partly @1; refused @2; }
enum AssistanceForm { grant @0; loan @1; both @2; }
struct AssistanceDecided {
  decisionId @0 :Text $format("id");
  outcome @1 :DecisionOutcome;
  periodFrom @2 :Text $format("date");
  periodTo @3 :Text $format("date");
  form @4 :AssistanceForm;
  reductionWarningGiven @5 :Bool;
  appealInfoGiven @6 :Bool;
  emergency @7 :Bool;
  conditionIds @8 :List(Text) $optional $format("id");
  exemptionId @9 :Text $optional $format("id");
}
struct PaymentMade {
  decisionId @0 :Text $format("id");
  month @1 :Text $format("month");
  grantNok @2 :UInt32 $max(1000000);
  loanNok @3 :UInt32 $max(1000000);
}

# ---- Activity conditions and sanctions ----
enum Activity { lowThreshold @0; qualifying @1; workOriented @2; education @3; course @4; }
struct ConditionSet {
  conditionId @0 :Text $format("id");
  decisionId @1 :Text $format("id");
  activity @2 :Activity;
  start @3 :Text $format("date");
  end @4 :Text $format("date");
  hoursPerWeek @5 :UInt8 $min(1) $max(60);
}
enum ExemptionGround { health @0; careDuties @1; alreadyActive @2; other @3; }
struct ConditionExempted {
  exemptionId @0 :Text $format("id");
  decisionId @1 :Text $format("id");
  ground @2 :ExemptionGround;
  reviewDate @3 :Text $format("date");
}
enum BreachKind { noShow @0; dropout @1; refusedOffer @2; }
struct ConditionBreached {
  breachId @0 :Text $format("id");
  conditionId @1 :Text $format("id");
  kind @2 :BreachKind;
}
struct BreachNotified {
  breachId @0 :Text $format("id");
  replyDeadline @1 :Text $format("date");
}
enum AssessmentOutcome { noAction @0; reduce @1; newCondition @2; }
struct BreachAssessed {
  breachId @0 :Text $format("id");
  reasonableCause @1 :Bool;
  outcome @2 :AssessmentOutcome;
}
# Exactly one of reductionNok and reductionPct is given (checked by the validator).
struct SanctionImposed {
  sanctionId @0 :Text $format("id");
  breachId @1 :Text $format("id");
  basisDecisionId @2 :Text $format("id");
  reductionNok @3 :UInt32 $optional $max(1000000);
  reductionPct @4 :UInt8 $optional $max(100);
  from @5 :Text $format("date");
  to @6 :Text $format("date");
  emergencyChecked @7 :Bool;
}
struct SanctionLifted {
  sanctionId @0 :Text $format("id");
  reason @1 :Text $format("code");
}
struct SanctionAppealed { sanctionId @0 :Text $format("id"); }
enum AppealOutcome { upheld @0; changed @1; annulled @2; }
struct AppealDecided {
  sanctionId @0 :Text $format("id");
  body @1 :Text $format("code");
  outcome @2 :AppealOutcome;
}

# ---- Programme ----
enum Phase { intake @0; clarification @1; followUp @2; afterCare @3; }
struct PhaseEntered { phase @0 :Phase; }
struct CourseEnrolled {
  courseId @0 :Text $format("id");
  start @1 :Text $format("date");
  weeks @2 :UInt8 $min(1) $max(52);
}
struct CourseAttended {
  courseId @0 :Text $format("id");
  sessionDate @1 :Text $format("date");
  attended @2 :Bool;
}
enum CourseOutcome { completed @0; discontinued @1; }
struct CourseEnded {
  courseId @0 :Text $format("id");
  outcome @1 :CourseOutcome;
}
# Follow-up category: 1 good prerequisites and willing; 2 good prerequisites, not willing;
# 3 limited prerequisites, willing; 4 limited prerequisites, not willing.
struct CategoryAssigned {
  category @0 :UInt8 $min(1) $max(4);
  validFrom @1 :Text $format("date");
}
struct PlanRecorded {
  planId @0 :Text $format("id");
  goals @1 :List(Text) $format("code") $maxItems(16);
  measures @2 :List(Text) $format("code") $maxItems(16);
  planB @3 :List(Text) $format("code") $maxItems(16);
}

# ---- Cooperation agreements (task-oriented method) ----
enum ProblemDomain { housing @0; economy @1; health @2; substance @3; education @4; work @5; network @6; }
struct Problem {
  problemId @0 :Text $format("id");
  domain @1 :ProblemDomain;
}
enum TaskResponsible { participant @0; caseworker @1; partner @2; }
struct Task {
  taskId @0 :Text $format("id");
  problemId @1 :Text $format("id");
  responsible @2 :TaskResponsible;
  due @3 :Text $format("date");
}
# The limit on problems (3 by default) is a case rule of the ledger, not of the schema.
struct AgreementSigned {
  agreementId @0 :Text $format("id");
  start @1 :Text $format("date");
  end @2 :Text $format("date");
  problems @3 :List(Problem) $minItems(1) $maxItems(16);
  tasks @4 :List(Task) $maxItems(64);
  extensionReason @5 :Text $optional $format("code");
}
enum TaskStatus { done @0; partly @1; notDone @2; }
struct AgreementTaskReviewed {
  agreementId @0 :Text $format("id");
  taskId @1 :Text $format("id");
  status @2 :TaskStatus;
}
enum ProblemChange { better @0; same @1; worse @2; }
struct AgreementProblemEvaluated {
  agreementId @0 :Text $format("id");
  problemId @1 :Text $format("id");
  change @2 :ProblemChange;
}
enum AgreementCloseReason { completed @0; expired @1; terminated @2; replaced @3; }
struct AgreementClosed {
  agreementId @0 :Text $format("id");
  reason @1 :AgreementCloseReason;
  evaluationDone @2 :Bool;
}

# ---- Consent (a waiver of confidentiality, shaped after ISO/IEC TS 27560) ----
enum ConsentMethod { signedForm @0; electronic @1; oralRecorded @2; }
struct ConsentGiven {
  consentId @0 :Text $format("id");
  purposes @1 :List(Purpose) $minItems(1) $maxItems(8);
  recipients @2 :List(Text) $format("recipient") $minItems(1) $maxItems(16);
  dataCategories @3 :List(DataCategory) $minItems(1) $maxItems(8);
  method @4 :ConsentMethod;
  formSha256 @5 :Text $format("sha256");
  expiresAt @6 :Text $format("instant");
  replaces @7 :Text $optional $format("id");
}
struct ConsentRenewed {
  consentId @0 :Text $format("id");
  expiresAt @1 :Text $format("instant");
}
struct ConsentWithdrawn {
  consentId @0 :Text $format("id");
  effectiveAt @1 :Text $format("instant");
}
struct ConsentRefused { consentId @0 :Text $format("id"); }
struct ConsentRevoked {
  consentId @0 :Text $format("id");
  reason @1 :Text $format("code");
}
struct ConsentInvalidated {
  consentId @0 :Text $format("id");
  reason @1 :Text $format("code");
}

# ---- Referral and disclosure ----
struct ReferralMade {
  referralId @0 :Text $format("id");
  committee @1 :Text $format("code");
  consentId @2 :Text $format("id");
  questionCode @3 :Text $format("code");
}
struct DisclosureMade {
  disclosureId @0 :Text $format("id");
  recipient @1 :Text $format("recipient");
  dataCategories @2 :List(DataCategory) $minItems(1) $maxItems(8);
  basis @3 :Text $format("basis");
  purpose @4 :Purpose;
}
struct ReferralRecommended {
  referralId @0 :Text $format("id");
  recommendationCode @1 :Text $format("code");
  responsibleService @2 :Text $format("code");
}

# ---- Status and outcomes ----
enum ObservedStatus {
  workFull @0; workPart @1; education @2; qualificationProgramme @3; measure @4;
  healthBenefit @5; unemployed @6; other @7;
}
enum StatusSource { caseworker @0; selfReport @1; register @2; }
struct StatusObserved {
  asOf @0 :Text $format("date");
  status @1 :ObservedStatus;
  source @2 :StatusSource;
}
enum IncomeSource {
  work @0; socialAssistance @1; healthBenefit @2; unemploymentBenefit @3;
  qualificationBenefit @4; studentSupport @5; family @6; other @7;
}
struct IncomeRecorded {
  asOf @0 :Text $format("date");
  mainSource @1 :IncomeSource;
}

# ---- Privacy operations ----
struct ErasureRequested { requestId @0 :Text $format("id"); }
enum ErasureDecision { granted @0; refused @1; }
struct ErasureDecided {
  requestId @0 :Text $format("id");
  decision @1 :ErasureDecision;
  ground @2 :Text $format("legal");
}
# Exactly one of requestId and retentionRule is given (checked by the validator).
struct SubjectShredded {
  requestId @0 :Text $optional $format("id");
  retentionRule @1 :Text $optional $format("code");
}
struct ProcessingRestricted { purpose @0 :Purpose; }
struct ProcessingUnrestricted { purpose @0 :Purpose; }

# ---- Research releases (stream `releases`) ----
struct ReleaseApproved {
  releaseId @0 :Text $format("id");
  recipientOrg @1 :Text $format("id");
  purpose @2 :Purpose;
  basis @3 :Text $format("legal");
  expiresAt @4 :Text $format("instant");
}
struct CohortDefinition {
  intakeFrom @0 :Text $format("date");
  intakeTo @1 :Text $format("date");
  ageMin @2 :UInt8 $min(15) $max(99);
  ageMax @3 :UInt8 $min(15) $max(99);
}
struct PrivacyParameters {
  k @0 :UInt16 $min(2) $max(1000);
  smallCellThreshold @1 :UInt16 $min(1) $max(1000);
  timeUnitDays @2 :UInt16 $min(1) $max(366);
}
struct ReleaseCounts {
  persons @0 :UInt32;
  events @1 :UInt32;
  excluded @2 :UInt32;
  suppressed @3 :UInt32;
}
struct ReleaseExported {
  releaseId @0 :Text $format("id");
  cohort @1 :CohortDefinition;
  privacy @2 :PrivacyParameters;
  counts @3 :ReleaseCounts;
  manifestSha256 @4 :Text $format("sha256");
}

# ---- Keys (stream `keys`) ----
struct KeyRegistered {
  keyId @0 :Text $format("key_id");
  name @1 :Text $format("key_name");
  publicKey @2 :Text $format("ed25519_public");
  role @3 :Role;
  scope @4 :List(Text) $optional $format("code") $maxItems(64);
}
struct KeyRevoked {
  keyId @0 :Text $format("key_id");
  reason @1 :Text $format("code");
}

# The envelope. `data` holds exactly one member; its eventType annotation is the JSON `type`.
struct Event {
  id @0 :Text $format("uuid");
  stream @1 :Text $format("stream");
  schemaVersion @2 :UInt16 = 1 $min(1) $max(1);
  expectedVersion @3 :Text $optional $format("expected_version");
  occurredAt @4 :Text $format("instant");
  subject @5 :Text $optional $format("subject");
  actor @6 :Actor;
  legalBasis @7 :List(Text) $format("legal") $minItems(1) $maxItems(8);
  personal @8 :PersonalDigests $optional;
  causationId @9 :Text $optional $format("uuid");
  correlationId @10 :Text $optional $format("uuid");
  data :union {
    caseOpened @11 :CaseOpened $eventType("case.opened");
    caseClosed @12 :CaseClosed $eventType("case.closed");
    caseReopened @13 :CaseReopened $eventType("case.reopened");
    assistanceDecided @14 :AssistanceDecided $eventType("assistance.decided");
    paymentMade @15 :PaymentMade $eventType("payment.made");
    conditionSet @16 :ConditionSet $eventType("condition.set");
    conditionExempted @17 :ConditionExempted $eventType("condition.exempted");
    conditionBreached @18 :ConditionBreached $eventType("condition.breached");
    breachNotified @19 :BreachNotified $eventType("breach.notified");
    breachAssessed @20 :BreachAssessed $eventType("breach.assessed");
    sanctionImposed @21 :SanctionImposed $eventType("sanction.imposed");
    sanctionLifted @22 :SanctionLifted $eventType("sanction.lifted");
    sanctionAppealed @23 :SanctionAppealed $eventType("sanction.appealed");
    appealDecided @24 :AppealDecided $eventType("appeal.decided");
    phaseEntered @25 :PhaseEntered $eventType("phase.entered");
    courseEnrolled @26 :CourseEnrolled $eventType("course.enrolled");
    courseAttended @27 :CourseAttended $eventType("course.attended");
    courseEnded @28 :CourseEnded $eventType("course.ended");
    categoryAssigned @29 :CategoryAssigned $eventType("category.assigned");
    planRecorded @30 :PlanRecorded $eventType("plan.recorded");
    agreementSigned @31 :AgreementSigned $eventType("agreement.signed");
    agreementTaskReviewed @32 :AgreementTaskReviewed $eventType("agreement.task_reviewed");
    agreementProblemEvaluated @33 :AgreementProblemEvaluated $eventType("agreement.problem_evaluated");
    agreementClosed @34 :AgreementClosed $eventType("agreement.closed");
    consentGiven @35 :ConsentGiven $eventType("consent.given");
    consentRenewed @36 :ConsentRenewed $eventType("consent.renewed");
    consentWithdrawn @37 :ConsentWithdrawn $eventType("consent.withdrawn");
    consentRefused @38 :ConsentRefused $eventType("consent.refused");
    consentRevoked @39 :ConsentRevoked $eventType("consent.revoked");
    consentInvalidated @40 :ConsentInvalidated $eventType("consent.invalidated");
    referralMade @41 :ReferralMade $eventType("referral.made");
    disclosureMade @42 :DisclosureMade $eventType("disclosure.made");
    referralRecommended @43 :ReferralRecommended $eventType("referral.recommended");
    statusObserved @44 :StatusObserved $eventType("status.observed");
    incomeRecorded @45 :IncomeRecorded $eventType("income.recorded");
    erasureRequested @46 :ErasureRequested $eventType("erasure.requested");
    erasureDecided @47 :ErasureDecided $eventType("erasure.decided");
    subjectShredded @48 :SubjectShredded $eventType("subject.shredded");
    processingRestricted @49 :ProcessingRestricted $eventType("processing.restricted");
    processingUnrestricted @50 :ProcessingUnrestricted $eventType("processing.unrestricted");
    releaseApproved @51 :ReleaseApproved $eventType("release.approved");
    releaseExported @52 :ReleaseExported $eventType("release.exported");
    keyRegistered @53 :KeyRegistered $eventType("key.registered");
    keyRevoked @54 :KeyRevoked $eventType("key.revoked");
  }
}
