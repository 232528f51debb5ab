// Export: the cohort, who may be released, k-anonymity, the anonymised events, and the files
// with their manifest and signature (release.h; docs/evaluator-guide.md).
//
// Three passes over the log: (1) the cohort from case.opened, shreddings, and the status and
// income observations; after the exclusions and k-anonymity, the one observation per released
// day that the indicators would use; (2) the released events, up to each person's released
// follow-up end, then LKC-privacy of the trajectories (trajectory.h) by suppressing events; then
// the release is replayed into the outcomes projection (persons.csv outcomes, the report hash)
// and, (3), the ledger's own outcomes for the same people are rebuilt twice: as the release
// gives them (follow-up and suppressed events), which must agree figure by figure, and in full,
// against which the release's cost is measured.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>

#include "base/mutex.h"
#include "base/sha256.h"
#include "k_anonymity.h"
#include "ledger/consent.h"
#include "ledger/event_codec.h"
#include "pseudonyms.h"
#include "release/release.h"
#include "release_format.h"
#include "release_replay.h"
#include "replay/event_view.h"
#include "replay/report_run.h"
#include "replay/report_time.h"
#include "timeline.h"
#include "tlog/note.h"
#include "trajectory.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;
using internal::kEventsFile;
using internal::kManifestFile;
using internal::kPersonsFile;
using internal::kSignatureFile;
using replay::EventType;

// case.opened's office when the office is generalised away (an id, as the catalogue wants).
constexpr std::string_view kSuppressedOffice = "suppressed";

// The data categories a release carries: payments (economy), statuses and courses (education).
const std::vector<std::string> kReleaseCategories = {"economy", "education"};

// A status or income observation of a cohort member (pass 1).
struct Observation {
  bool status = false;  // else income
  int64_t as_of_day = 0;
  int64_t occurred_day = 0;
  int64_t rank = 0;  // statuses: -enum; incomes: occurred_at
  uint64_t seq = 0;
};

struct Candidate {
  std::string subject;
  QuasiIdentifiers qi;
  bool shredded = false;
  std::vector<Observation> observations;
};

// The observation of one kind that a released day keeps: the latest as_of, then for statuses
// the highest-ranked (lowest enum), for incomes the later event (as the projection resolves a
// day).
struct Winner {
  int64_t as_of = 0;
  int64_t rank = 0;  // statuses: -enum; incomes: occurred_at
  uint64_t seq = 0;
  bool Beats(const Winner& other) const {
    if (as_of != other.as_of) return as_of > other.as_of;
    if (rank != other.rank) return rank > other.rank;
    return seq > other.seq;
  }
};

std::string FormatMonth(const CivilDate& d) {
  return fmt::format("{:04d}-{:02d}", d.year, d.month);
}

Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) return Status::IOError("cannot write " + path.string());
  return Status::Ok();
}

// Released values of one event's data (docs/evaluator-guide.md, "What each value becomes").
void ReleaseValues(nlohmann::ordered_json& value, const std::string& path,
                   const std::map<std::string, std::string>& formats, const std::string& type,
                   const std::string& subject, const PersonTimeline& timeline,
                   const Pseudonymizer& names, const replay::ReportZone& zone, bool office_kept) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      auto format = formats.find(child);
      const std::string f = format == formats.end() ? "" : format->second;
      // Digests, event ids, and the quasi-identifiers persons.csv gives generalised.
      if (f == "sha256" || f == "uuid" || f == "kommune" ||
          (type == "case.opened" && (child == "age_at_intake" || child == "sex"))) {
        it = value.erase(it);
        continue;
      }
      ReleaseValues(it.value(), child, formats, type, subject, timeline, names, zone, office_kept);
      ++it;
    }
    return;
  }
  if (value.is_array()) {
    for (auto& element : value) {
      ReleaseValues(element, path, formats, type, subject, timeline, names, zone, office_kept);
    }
    return;
  }
  auto format = formats.find(path);
  if (format == formats.end() || !value.is_string()) return;
  const std::string& f = format->second;
  const std::string text = value.get<std::string>();
  if (f == "date") {
    auto d = ParseDate(text);
    value = d.ok() ? timeline.Day(DaysFromCivil(*d)) : 0;
  } else if (f == "instant") {
    auto us = ParseInstantMicros(text);
    value = us.ok() ? timeline.Day(DaysFromCivil(zone.DateAt(*us))) : 0;
  } else if (f == "month") {
    auto m = ParseMonth(text);
    value = m.ok() ? timeline.Month(MonthNumberOf(*m)) : 0;
  } else if (f == "id") {
    if (type == "case.opened" && path == "office") {
      value = office_kept ? names.Office(text) : std::string(kSuppressedOffice);
    } else {
      value = names.LocalId(subject, text);
    }
  } else if (f == "subject") {
    value = names.Person(text);
  }
}

// Why a cohort member may not be released for `approval` (empty: may be).
Result<std::string> Exclusion(Ledger& ledger, const Approval& approval, const Candidate& c,
                              int64_t decide_at_us, int64_t now_us) {
  if (c.shredded) return std::string("erased");
  LEDGER_ASSIGN_OR_RETURN(SubjectConsents consents, ledger.privacy().Consents(c.subject));
  if (consents.shredded) return std::string("erased");
  if (RestrictionAt(consents.restrictions, approval.purpose, now_us) != nullptr) {
    return std::string("restricted");
  }
  if (BasisNeedsConsent(approval.basis)) {
    ConsentQuestion q;
    q.subject = c.subject;
    q.recipient = "evaluator:" + approval.recipient_org;
    q.data_categories = kReleaseCategories;
    q.purpose = approval.purpose;
    q.at_us = decide_at_us;
    ConsentDecision d = DecideConsent(consents.consents, consents.restrictions, q);
    return d.allowed() ? std::string() : std::string("no_consent");
  }
  // A statutory basis needs no consent, but a participant who refused or withdrew consent for
  // this purpose, and gave none in force since, has objected.
  bool objected = false, in_force = false;
  for (const ConsentFacts& f : consents.consents) {
    if (std::find(f.purposes.begin(), f.purposes.end(), approval.purpose) == f.purposes.end()) {
      continue;
    }
    if (InForceAt(f, now_us)) in_force = true;
    if (f.refused || (f.withdrawn_effective_us && *f.withdrawn_effective_us <= now_us)) {
      objected = true;
    }
  }
  return objected && !in_force ? std::string("objected") : std::string();
}

// Figure-by-figure comparison of the "all" groups; `calendar` adds O10-O11. O12 is never
// compared: it asks which income observation was the last of a calendar year, and a release
// does not give the calendar day of an observation (only its coarse day since intake).
void Compare(const replay::OutcomesReport& ours, const replay::OutcomesReport& theirs,
             bool calendar, std::vector<std::string>* out) {
  const replay::OutcomeGroup& a = ours.groups.front();
  const replay::OutcomeGroup& b = theirs.groups.front();
  auto check = [&](const std::string& what, uint64_t x, uint64_t y) {
    if (x != y) out->push_back(fmt::format("{}: ledger {} release {}", what, x, y));
  };
  check("O1 cohort", a.cohort, b.cohort);
  for (size_t i = 0; i < a.horizons.size() && i < b.horizons.size(); ++i) {
    const auto& x = a.horizons[i];
    const auto& y = b.horizons[i];
    const std::string h = std::to_string(x.months);
    check("followed at " + h, x.followed, y.followed);
    for (const auto& [status, n] : x.status) {
      auto it = y.status.find(status);
      check("O2 " + status + " at " + h, n, it == y.status.end() ? 0 : it->second);
    }
    check("O3 at " + h, x.work_or_education, y.work_or_education);
    check("O4 at " + h, x.any_activity, y.any_activity);
    check("O5 at " + h, x.off_assistance, y.off_assistance);
    check("O6 at " + h, x.assistance_main_income, y.assistance_main_income);
    check("O7 at " + h, x.supplementary_only, y.supplementary_only);
  }
  check("O8 exits", a.survival.exits, b.survival.exits);
  check("O8 censored", a.survival.censored, b.survival.censored);
  if (a.survival.rows != b.survival.rows) {
    out->push_back("O8 survival table differs");
  }
  check("O9 exited", a.exited, b.exited);
  check("O9 re-entered", a.reentered, b.reentered);
  if (!calendar) return;
  if (a.years.size() != b.years.size()) {
    out->push_back("O10-O12: different years");
    return;
  }
  for (size_t i = 0; i < a.years.size(); ++i) {
    const auto& x = a.years[i];
    const auto& y = b.years[i];
    const std::string year = std::to_string(x.year);
    check("O10 recipients " + year, x.recipients, y.recipients);
    check("O10 paid months " + year, x.paid_months, y.paid_months);
    check("O11 grant " + year, x.grant_nok, y.grant_nok);
    check("O11 loan " + year, x.loan_nok, y.loan_nok);
  }
}

// A projection that sees only the events of the given subjects.
class SubjectFilter final : public replay::Projection {
 public:
  SubjectFilter(replay::Projection* inner, const std::set<std::string, std::less<>>* subjects)
      : inner_(inner), subjects_(subjects) {}
  std::string_view name() const override { return inner_->name(); }
  uint32_t version() const override { return inner_->version(); }
  void Apply(const replay::EventView& event) override {
    if (subjects_->count(event.subject()) != 0) inner_->Apply(event);
  }
  void Reset() override { inner_->Reset(); }
  std::string Serialize() const override { return inner_->Serialize(); }
  Status Restore(std::string_view bytes) override { return inner_->Restore(bytes); }

 private:
  replay::Projection* inner_;
  const std::set<std::string, std::less<>>* subjects_;
};

struct Released {
  ReleasePerson person;
  PersonTimeline timeline;
  uint32_t index = 0;  // in pseudonym order
  bool office_kept = true;
  int64_t end_day = 0;    // the real end of the released follow-up (ReleasedFollowUpEnd)
  int32_t end_month = 0;  // its month number
  std::vector<int32_t> horizon_days;  // synthetic t0 + h, in released days
};

// The events the indicators need (trajectory.h): payments and category assignments, and status
// and income observations in a window before a horizon (released days, synthetic calendar).
bool Needed(std::string_view type, const nlohmann::ordered_json& data, const Released& person) {
  if (type == "payment.made" || type == "category.assigned") return true;
  const bool status = type == "status.observed";
  if (!status && type != "income.recorded") return false;
  auto as_of = data.find("as_of");
  if (as_of == data.end() || !as_of->is_number_integer()) return false;
  const int64_t day = as_of->get<int64_t>();
  const int32_t window = status ? 31 : 62;
  for (int32_t h : person.horizon_days) {
    if (day >= h - window && day <= h) return true;
  }
  return false;
}

// One line written by pass 2, as the trajectory model and the ledger-side check need it.
struct WrittenLine {
  TrajectoryEvent event;
  uint64_t seq = 0;
};

// Event type names <-> small numbers, shared by the writers.
class TypeTable {
 public:
  uint16_t Id(const std::string& type) LEDGER_EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    auto [it, fresh] = ids_.emplace(type, static_cast<uint16_t>(ids_.size()));
    return it->second;
  }

 private:
  Mutex mutex_;
  std::map<std::string, uint16_t> ids_ LEDGER_GUARDED_BY(mutex_);
};

struct PartResult {
  fs::path path;
  Status status;
  uint64_t events = 0;
  uint64_t merged = 0;
  uint64_t censored = 0;  // after the released follow-up end
  std::vector<WrittenLine> lines;
};

// Writes released people's events into one part file (pass 2).
class PartWriter {
 public:
  PartWriter(Ledger& ledger, const Pseudonymizer& names, const replay::ReportZone& zone,
             int64_t as_of_end_us, const std::set<uint64_t>& kept, TypeTable& types,
             PartResult& out)
      : ledger_(ledger),
        names_(names),
        zone_(zone),
        as_of_end_us_(as_of_end_us),
        kept_(kept),
        types_(types),
        out_(out),
        file_(out.path, std::ios::binary | std::ios::trunc) {}

  Status Person(const std::string& subject, const Released& person) {
    for (uint64_t from = 0;;) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<Entry> entries,
                              ledger_.log().ReadStream("case/" + subject, from, 1024));
      if (entries.empty()) return Status::Ok();
      from += entries.size();
      for (const Entry& e : entries) LEDGER_RETURN_IF_ERROR(Event(subject, person, e));
    }
  }

  Status Close() {
    file_.flush();
    if (!file_) return Status::IOError("cannot write " + out_.path.string());
    return Status::Ok();
  }

 private:
  Status Event(const std::string& subject, const Released& person, const Entry& e) {
    LEDGER_ASSIGN_OR_RETURN(nlohmann::ordered_json source, EventJsonValueFromCanonical(e.event));
    const std::string& type = source.at("type").get_ref<const std::string&>();
    LEDGER_ASSIGN_OR_RETURN(int64_t occurred_us,
                            ParseInstantMicros(source.at("occurred_at").get<std::string>()));
    if (occurred_us > as_of_end_us_ || !internal::IsReleasedType(type)) return Status::Ok();
    // Follow-up as released: nothing after the end of the month `followed_months` after intake.
    const int64_t occurred_day = DaysFromCivil(zone_.DateAt(occurred_us));
    if (occurred_day > person.end_day) {
      ++out_.censored;
      return Status::Ok();
    }
    if (type == "payment.made") {
      auto month = ParseMonth(source.at("data").value("month", std::string()));
      if (month.ok() && MonthNumberOf(*month) > person.end_month) {
        ++out_.censored;
        return Status::Ok();
      }
    }
    if ((type == "status.observed" || type == "income.recorded") && kept_.count(e.seq) == 0) {
      ++out_.merged;
      return Status::Ok();
    }
    auto f = formats_.find(type);
    if (f == formats_.end()) {
      LEDGER_ASSIGN_OR_RETURN(auto got, DataFieldFormats(type));
      f = formats_.emplace(type, std::move(got)).first;
    }
    nlohmann::ordered_json data = std::move(source.at("data"));
    ReleaseValues(data, "", f->second, type, subject, person.timeline, names_, zone_,
                  person.office_kept);
    nlohmann::ordered_json line;
    line["person"] = person.person.person;
    const int32_t day = person.timeline.Day(occurred_day);
    line["day"] = day;
    line["type"] = type;
    const nlohmann::json& actor = source.at("actor");
    const std::string& role = actor.at("role").get_ref<const std::string&>();
    line["actor"] = {{"id", names_.Role(role)}, {"role", role}};
    line["legal_basis"] = std::move(source.at("legal_basis"));
    WrittenLine written;
    written.event.person = person.index;
    written.event.type = TypeId(type);
    written.event.day = day;
    written.event.required = type == "case.opened";
    written.event.needed = Needed(type, data, person);
    written.seq = e.seq;
    out_.lines.push_back(written);
    line["data"] = std::move(data);
    file_ << line.dump() << '\n';
    ++out_.events;
    return Status::Ok();
  }

  uint16_t TypeId(const std::string& type) {
    auto it = type_ids_.find(type);
    if (it == type_ids_.end()) it = type_ids_.emplace(type, types_.Id(type)).first;
    return it->second;
  }

  Ledger& ledger_;
  const Pseudonymizer& names_;
  const replay::ReportZone& zone_;
  int64_t as_of_end_us_;
  const std::set<uint64_t>& kept_;
  TypeTable& types_;
  PartResult& out_;
  std::ofstream file_;
  std::map<std::string, std::map<std::string, std::string>> formats_;
  std::map<std::string, uint16_t> type_ids_;
};

// A projection of the ledger's events as a release gives them: only released subjects, nothing
// after each one's released follow-up end, no payment for a later month, no event the
// trajectory step suppressed.
class AsReleasedFilter final : public replay::Projection {
 public:
  struct Person {
    int64_t end_day = 0;
    int32_t end_month = 0;
  };
  AsReleasedFilter(replay::Projection* inner,
                   const std::map<std::string, Person, std::less<>>* people,
                   const std::set<uint64_t>* suppressed, const replay::ReportZone* zone)
      : inner_(inner), people_(people), suppressed_(suppressed), zone_(zone) {}
  // Its own name: the replayer takes each name once, and this one runs beside the full one.
  std::string_view name() const override { return "outcomes_as_released"; }
  uint32_t version() const override { return inner_->version(); }
  void Apply(const replay::EventView& event) override {
    auto p = people_->find(event.subject());
    if (p == people_->end() || suppressed_->count(event.seq()) != 0) return;
    if (DaysFromCivil(zone_->DateAt(event.occurred_at_us())) > p->second.end_day) return;
    if (event.type() == EventType::PAYMENT_MADE) {
      auto month = ParseMonth(std::string_view(event.data().getPaymentMade().getMonth().cStr()));
      if (month.ok() && MonthNumberOf(*month) > p->second.end_month) return;
    }
    inner_->Apply(event);
  }
  void Reset() override { inner_->Reset(); }
  std::string Serialize() const override { return inner_->Serialize(); }
  Status Restore(std::string_view bytes) override { return inner_->Restore(bytes); }

 private:
  replay::Projection* inner_;
  const std::map<std::string, Person, std::less<>>* people_;
  const std::set<uint64_t>* suppressed_;
  const replay::ReportZone* zone_;
};

// How far the release's outcomes moved from the ledger's own for the same people: the figures
// that differ (Compare), the person-horizons no longer followed, and the largest change of an
// O2-O7 share in percentage points.
struct Moved {
  std::vector<std::string> figures;
  uint64_t followed_lost = 0;
  double max_share_points = 0;
};

Moved MeasureMoved(const replay::OutcomesReport& ledger, const replay::OutcomesReport& release,
                   bool calendar) {
  Moved out;
  Compare(ledger, release, calendar, &out.figures);
  const replay::OutcomeGroup& a = ledger.groups.front();
  const replay::OutcomeGroup& b = release.groups.front();
  auto share = [](uint64_t n, uint64_t d) {
    return d == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(d);
  };
  for (size_t i = 0; i < a.horizons.size() && i < b.horizons.size(); ++i) {
    const auto& x = a.horizons[i];
    const auto& y = b.horizons[i];
    if (x.followed > y.followed) out.followed_lost += x.followed - y.followed;
    auto move = [&](uint64_t nx, uint64_t ny) {
      out.max_share_points =
          std::max(out.max_share_points, std::abs(share(nx, x.followed) - share(ny, y.followed)));
    };
    for (const auto& [status, n] : x.status) {
      auto it = y.status.find(status);
      move(n, it == y.status.end() ? 0 : it->second);
    }
    move(x.work_or_education, y.work_or_education);
    move(x.any_activity, y.any_activity);
    move(x.off_assistance, y.off_assistance);
    move(x.assistance_main_income, y.assistance_main_income);
    move(x.supplementary_only, y.supplementary_only);
  }
  return out;
}

}  // namespace

Result<ExportSummary> Export(Ledger& ledger, const MasterKey& master, const SigningKey& ledger_key,
                             const ExportParams& params, const std::string& out_dir, int64_t now_us,
                             const std::function<void(const ExportProgress&)>& progress) {
  LEDGER_RETURN_IF_ERROR(ValidateExportParams(params));
  LEDGER_ASSIGN_OR_RETURN(Approval approval, FindApproval(ledger, params.release_id, now_us));
  if (!params.key_of_release.empty()) {
    auto other = FindApproval(ledger, params.key_of_release, INT64_MIN);
    if (!other.ok()) {
      return Status::InvalidArgument("--link-to: " + std::string(other.status().message()));
    }
  }
  const fs::path out(out_dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec))) {
    return Status::FailedPrecondition(out_dir +
                                      " exists and is not empty: a release is never written "
                                      "over another");
  }
  const fs::path staging = out.string() + ".partial";
  if (fs::exists(staging, ec)) {
    return Status::FailedPrecondition(
        staging.string() + " exists: an earlier export was interrupted; remove it first");
  }

  const replay::ReportZone zone = replay::ReportZone::EuropeOslo();
  const replay::ReportTime at = replay::ReportTime::EndOfDay(params.as_of, zone);
  const int64_t as_of_end_us = at.instant_us;
  const int64_t from_day = DaysFromCivil(params.intake_from);
  const int64_t to_day = DaysFromCivil(params.intake_to);
  auto report = [&](const char* phase, uint64_t done, uint64_t total) {
    if (progress) progress(ExportProgress{phase, done, total});
  };

  auto phase_start = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> seconds;
  auto mark = [&](const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    seconds.emplace_back(phase, std::chrono::duration<double>(now - phase_start).count());
    phase_start = now;
  };

  // ---- Pass 1: the cohort, shreddings, and the status and income observations ----
  const uint64_t log_size = ledger.log().Size();
  std::unordered_map<std::string, Candidate> candidates;
  {
    replay::EventDecoder decoder;
    replay::EventView view;
    auto it = ledger.log().Scan(0, /*decode=*/false);
    for (; it->Valid(); it->Next()) {
      const Entry& e = it->entry();
      LEDGER_RETURN_IF_ERROR(decoder.DecodeEntryBytes(e.seq, e.bytes, &view));
      if (e.seq % 65536 == 0) report("cohort", e.seq, log_size);
      if (view.subject().empty()) continue;
      const EventType type = view.type();
      if (type == EventType::CASE_OPENED) {
        if (view.occurred_at_us() > as_of_end_us) continue;
        auto o = view.data().getCaseOpened();
        auto intake = ParseDate(std::string_view(o.getIntakeDate().cStr()));
        if (!intake.ok()) continue;
        const int64_t day = DaysFromCivil(*intake);
        const int age = o.getAgeAtIntake();
        if (day < from_day || day > to_day || day > DaysFromCivil(params.as_of) ||
            age < params.age_min || age > params.age_max) {
          continue;
        }
        Candidate c;
        c.subject = std::string(view.subject());
        c.qi.sex = o.getSex() == schema::Sex::FEMALE ? "female"
                   : o.getSex() == schema::Sex::MALE ? "male"
                                                     : "other";
        c.qi.age = age;
        c.qi.municipality = o.getMunicipality().cStr();
        c.qi.office = o.getOffice().cStr();
        c.qi.intake = *intake;
        candidates.emplace(c.subject, std::move(c));
        continue;
      }
      auto found = candidates.find(std::string(view.subject()));
      if (found == candidates.end()) continue;
      Candidate& c = found->second;
      if (type == EventType::SUBJECT_SHREDDED) {
        c.shredded = true;
        continue;
      }
      if (view.occurred_at_us() > as_of_end_us) continue;
      if (type != EventType::STATUS_OBSERVED && type != EventType::INCOME_RECORDED) continue;
      const bool status = type == EventType::STATUS_OBSERVED;
      auto as_of_text = status ? view.data().getStatusObserved().getAsOf()
                               : view.data().getIncomeRecorded().getAsOf();
      auto as_of = ParseDate(std::string_view(as_of_text.cStr()));
      if (!as_of.ok()) continue;
      c.observations.push_back(Observation{
          status, DaysFromCivil(*as_of), DaysFromCivil(zone.DateAt(view.occurred_at_us())),
          status ? -static_cast<int64_t>(view.data().getStatusObserved().getStatus())
                 : view.occurred_at_us(),
          e.seq});
    }
    LEDGER_RETURN_IF_ERROR(it->status());
  }
  ExportSummary summary;
  summary.approval = approval;
  summary.params = params;
  summary.cohort = candidates.size();

  // ---- Who may be released ----
  std::vector<const Candidate*> eligible;
  {
    std::vector<const Candidate*> ordered;
    for (const auto& [subject, c] : candidates) ordered.push_back(&c);
    std::sort(ordered.begin(), ordered.end(),
              [](const Candidate* a, const Candidate* b) { return a->subject < b->subject; });
    for (const Candidate* c : ordered) {
      LEDGER_ASSIGN_OR_RETURN(std::string why,
                              Exclusion(ledger, approval, *c, as_of_end_us, now_us));
      if (why.empty()) {
        eligible.push_back(c);
      } else if (why == "erased") {
        ++summary.excluded.erased;
      } else if (why == "restricted") {
        ++summary.excluded.restricted;
      } else if (why == "no_consent") {
        ++summary.excluded.no_consent;
      } else {
        ++summary.excluded.objected;
      }
    }
  }
  if (eligible.empty()) {
    return Status::FailedPrecondition("nobody in the cohort may be released for " +
                                      approval.purpose + ": nothing was exported");
  }
  std::vector<QuasiIdentifiers> qis;
  for (const Candidate* c : eligible) qis.push_back(c->qi);
  LEDGER_ASSIGN_OR_RETURN(Anonymisation anon,
                          Anonymise(qis, params.k, params.max_suppressed_permille));
  summary.suppressed = anon.suppressed_count;

  // Re-identification risk over the quasi-identifiers: before (every eligible person, nothing
  // generalised) and after (the released classes). The population is the cohort: everyone in
  // the window and age range, before exclusions and suppression.
  ReidentificationRisk qi_before, qi_after;
  {
    std::vector<std::string> before, after, population_before, population_after;
    for (size_t i = 0; i < eligible.size(); ++i) {
      before.push_back(ClassKey(Generalise(eligible[i]->qi, Generalisation{})));
      if (!anon.suppressed[i]) after.push_back(ClassKey(Generalise(eligible[i]->qi, anon.level)));
    }
    for (const auto& [subject, c] : candidates) {
      population_before.push_back(ClassKey(Generalise(c.qi, Generalisation{})));
      population_after.push_back(ClassKey(Generalise(c.qi, anon.level)));
    }
    qi_before = MeasureRisk(before, population_before, anon.risk.risk_threshold);
    qi_after = MeasureRisk(after, population_after, anon.risk.risk_threshold);
  }

  const std::string release_key = DeriveReleaseKey(
      master, params.key_of_release.empty() ? params.release_id : params.key_of_release);
  const Pseudonymizer names(release_key);
  std::unordered_map<std::string, Released> released;  // by ledger subject
  std::vector<ReleasePerson> persons;
  std::set<std::string, std::less<>> released_subjects;
  std::map<std::string, AsReleasedFilter::Person, std::less<>> as_released;  // by ledger subject
  replay::OutcomesProjection::FollowUpEnds ledger_ends;                      // by ledger subject
  std::set<uint64_t> kept_observations;
  const int32_t last_intake_month =
      std::min(MonthNumberOf(params.intake_to), MonthNumberOf(params.as_of));
  for (size_t i = 0; i < eligible.size(); ++i) {
    if (anon.suppressed[i]) continue;
    const Candidate& c = *eligible[i];
    GeneralisedPerson g = Generalise(c.qi, anon.level);
    // Follow-up counted from the last intake month the released period allows: the same for
    // everyone in the period, so it tells no more than the period does.
    const int followed =
        ReleasedFollowUpMonths(std::min(g.last_month, last_intake_month), params.as_of);
    const CivilDate end = ReleasedFollowUpEnd(c.qi.intake, followed);
    PersonTimeline timeline(c.qi.intake, g.anchor_month, params.as_of, params.horizons,
                            params.time_unit_days);
    ReleasePerson p{names.Person(c.subject), g.sex,          g.age_band, g.municipality,
                    g.intake_period,         g.anchor_month, followed,   followed};
    Released r{p, std::move(timeline), 0, true, 0, 0, {}};
    r.office_kept = anon.level.office == 0;
    r.end_day = DaysFromCivil(end);
    r.end_month = MonthNumberOf(end);
    const CivilDate synthetic = SyntheticIntake(g.anchor_month);
    for (int h : params.horizons) {
      r.horizon_days.push_back(static_cast<int32_t>(DaysFromCivil(replay::AddMonths(synthetic, h)) -
                                                    DaysFromCivil(synthetic)));
    }
    // The observation each released day keeps, among those within the follow-up.
    std::map<std::pair<int, int32_t>, Winner> winners;  // (kind, released day)
    for (const Observation& o : c.observations) {
      if (o.occurred_day > r.end_day) continue;
      Winner w{o.as_of_day, o.rank, o.seq};
      auto [slot, inserted] =
          winners.emplace(std::make_pair(o.status ? 0 : 1, r.timeline.Day(o.as_of_day)), w);
      if (!inserted && w.Beats(slot->second)) slot->second = w;
    }
    for (const auto& [key, w] : winners) kept_observations.insert(w.seq);
    persons.push_back(p);
    released_subjects.insert(c.subject);
    as_released.emplace(c.subject, AsReleasedFilter::Person{r.end_day, r.end_month});
    ledger_ends.emplace(c.subject, end);
    released.emplace(c.subject, std::move(r));
  }
  std::sort(persons.begin(), persons.end(),
            [](const ReleasePerson& a, const ReleasePerson& b) { return a.person < b.person; });
  summary.persons = persons.size();

  mark("cohort");
  // ---- Pass 2: the released events ----
  fs::create_directories(staging, ec);
  if (ec) return Status::IOError("cannot create " + staging.string() + ": " + ec.message());
  auto cleanup = [&](Status s) {
    fs::remove_all(staging, ec);
    return s;
  };
  const TrajectoryParams lkc{params.lkc_l, params.lkc_k, params.lkc_bucket_days};
  TrajectoryRisk trajectories_before, trajectories_after;
  Enforcement enforcement;
  std::set<uint64_t> suppressed_seqs;
  {
    // Person by person in pseudonym order, each in stream order: the file says nothing of how
    // different people's events interleaved in time. Workers each write a contiguous share of
    // the people into their own part file; the parts are joined in order.
    std::vector<std::pair<std::string_view, Released*>> order;
    std::map<std::string_view, std::string_view> subject_of;  // pseudonym -> subject
    for (auto& [subject, r] : released) {
      order.emplace_back(r.person.person, &r);
      subject_of.emplace(r.person.person, subject);
    }
    std::sort(order.begin(), order.end());
    for (size_t i = 0; i < order.size(); ++i) order[i].second->index = static_cast<uint32_t>(i);
    const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
    std::vector<PartResult> parts(workers);
    std::atomic<uint64_t> done{0};
    Mutex progress_mutex;
    std::vector<std::thread> threads;
    TypeTable types;
    for (size_t w = 0; w < workers; ++w) {
      const size_t from = order.size() * w / workers, to = order.size() * (w + 1) / workers;
      parts[w].path = staging / ("events.part" + std::to_string(w));
      threads.emplace_back([&, w, from, to] {
        PartWriter writer(ledger, names, zone, as_of_end_us, kept_observations, types, parts[w]);
        for (size_t i = from; i < to && parts[w].status.ok(); ++i) {
          parts[w].status =
              writer.Person(std::string(subject_of.at(order[i].first)), *order[i].second);
          const uint64_t n = ++done;
          if (n % 256 == 0 && progress) {
            MutexLock lock(progress_mutex);
            report("events", n, order.size());
          }
        }
        Status closed = writer.Close();
        if (parts[w].status.ok()) parts[w].status = closed;
      });
    }
    for (std::thread& t : threads) t.join();
    report("events", order.size(), order.size());
    std::vector<TrajectoryEvent> lines;
    for (PartResult& part : parts) {
      if (!part.status.ok()) return cleanup(part.status);
      summary.observations_merged += part.merged;
      summary.events_censored += part.censored;
      for (const WrittenLine& l : part.lines) lines.push_back(l.event);
    }
    mark("events");
    // ---- LKC-privacy of the trajectories ----
    const auto people = static_cast<uint32_t>(order.size());
    // Measured with L = 2 when nothing is enforced (--lkc-l 0).
    const TrajectoryParams measured{lkc.l == 0 ? 2 : lkc.l, lkc.k, lkc.bucket_days};
    auto before = MeasureTrajectories(lines, people, measured);
    if (!before.ok()) return cleanup(before.status());
    trajectories_before = *before;
    auto enforced = EnforceLkc(lines, people, lkc);
    if (!enforced.ok()) return cleanup(enforced.status());
    enforcement = std::move(*enforced);
    auto after = MeasureTrajectories(lines, people, measured, &enforcement.suppressed);
    if (!after.ok()) return cleanup(after.status());
    trajectories_after = *after;
    if (lkc.l > 0 && trajectories_after.violating_sets != 0) {
      return cleanup(Status::Corruption("LKC-privacy does not hold after suppression"));
    }
    summary.events_suppressed = enforcement.events_suppressed;
    // Join the parts in order without the suppressed lines.
    std::ofstream events(staging / kEventsFile, std::ios::binary | std::ios::trunc);
    size_t index = 0;
    for (PartResult& part : parts) {
      std::ifstream in(part.path, std::ios::binary);
      std::string line;
      for (const WrittenLine& l : part.lines) {
        if (!std::getline(in, line)) {
          return cleanup(Status::IOError("cannot read " + part.path.string()));
        }
        if (enforcement.suppressed[index++]) {
          suppressed_seqs.insert(l.seq);
          continue;
        }
        events << line << '\n';
        ++summary.events;
      }
      in.close();
      fs::remove(part.path, ec);
    }
    events.flush();
    if (!events)
      return cleanup(Status::IOError("cannot write " + (staging / kEventsFile).string()));
  }

  mark("lkc");
  // ---- The release's own outcomes, from its files, by the same projection ----
  replay::OutcomesOptions options;
  options.horizons = params.horizons;
  replay::OutcomesProjection from_release;
  auto release_point =
      internal::ReplayEventsFile((staging / kEventsFile).string(), persons, {&from_release},
                                 [&](uint64_t done) { report("replay", done, summary.events); });
  if (!release_point.ok()) return cleanup(release_point.status());
  const auto ends = internal::FollowUpEndsOf(persons);
  replay::OutcomesReport release_report =
      internal::ReleaseReport(from_release, persons, params.as_of, *release_point, options);
  const std::vector<replay::PersonOutcome> outcomes = from_release.Persons(at, options, &ends);
  std::map<std::string_view, const replay::PersonOutcome*> outcome_of;
  for (const replay::PersonOutcome& o : outcomes) outcome_of.emplace(o.subject, &o);
  std::string persons_csv = internal::PersonsHeader(params.horizons);
  for (const ReleasePerson& p : persons) {
    auto o = outcome_of.find(p.person);
    persons_csv += internal::PersonsRow(p, o == outcome_of.end() ? nullptr : o->second);
  }
  if (Status s = WriteFile(staging / kPersonsFile, persons_csv); !s.ok()) return cleanup(s);
  replay::SuppressSmallCells(&release_report, static_cast<uint64_t>(params.small_cell_threshold));
  // The report's own hash (the "sha256" beside its canonical body), as `ledger replay --format
  // json` prints it.
  summary.report_sha256 =
      nlohmann::json::parse(replay::OutcomesJson(release_report)).at("sha256").get<std::string>();

  mark("replay");
  // ---- The ledger's own outcomes for the same people: as released, and in full ----
  {
    replay::OutcomesProjection from_ledger, as_released_ledger;
    SubjectFilter filtered(&from_ledger, &released_subjects);
    AsReleasedFilter as_released_filter(&as_released_ledger, &as_released, &suppressed_seqs, &zone);
    replay::ReportMoment moment;
    moment.as_of = params.as_of;
    moment.zone = zone;
    moment.progress = [&](const replay::ReplayProgress& p) { report("check", p.position, p.end); };
    auto run = replay::ReplayForReport(ledger, moment, {&filtered, &as_released_filter});
    if (!run.ok()) return cleanup(run.status());
    replay::OutcomesReport ledger_report = from_ledger.Report(run->at, run->log, options);
    replay::OutcomesReport ledger_as_released =
        as_released_ledger.Report(run->at, run->log, options, &ledger_ends);
    replay::OutcomesReport unsuppressed = from_release.Report(at, *release_point, options, &ends);
    const bool calendar = anon.level.intake == 0;
    Compare(ledger_as_released, unsuppressed, calendar, &summary.disagreements);
    const Moved moved = MeasureMoved(ledger_report, unsuppressed, calendar);
    summary.moved = moved.figures;
    summary.moved_followed = moved.followed_lost;
    summary.moved_max_share_points = moved.max_share_points;
    summary.ledger_outcomes = std::move(ledger_report);
    summary.agreement_scope =
        calendar ? "O1-O11 of the whole release, figure by figure (O12 needs calendar days)"
                 : "O1-O9 of the whole release, figure by figure (O10-O12 not compared: the "
                   "intake period was generalised beyond the month, so calendar years move)";
  }

  mark("check");
  // ---- Manifest and signature ----
  auto events_hash = internal::HashFile((staging / kEventsFile).string());
  if (!events_hash.ok()) return cleanup(events_hash.status());
  nlohmann::json manifest;
  manifest["format"] = internal::kFormat;
  manifest["release_id"] = params.release_id;
  manifest["recipient_org"] = approval.recipient_org;
  manifest["purpose"] = approval.purpose;
  manifest["basis"] = approval.basis;
  manifest["cohort"] = {{"intake_from_month", FormatMonth(params.intake_from)},
                        {"intake_to_month", FormatMonth(params.intake_to)},
                        {"age_min", params.age_min},
                        {"age_max", params.age_max},
                        {"as_of_month", FormatMonth(params.as_of)}};
  manifest["horizons"] = params.horizons;
  manifest["privacy"] = {
      {"k", params.k},
      {"small_cell_threshold", params.small_cell_threshold},
      {"time_unit_days", params.time_unit_days},
      {"max_suppressed_permille", params.max_suppressed_permille},
      {"pseudonym_key_fingerprint", names.KeyFingerprint()},
      {"lkc", {{"l", params.lkc_l}, {"k", params.lkc_k}, {"bucket_days", params.lkc_bucket_days}}}};
  manifest["generalisation"] = {{"sex", "kept"},
                                {"age", anon.level.age == 0 ? "band" : "18-24"},
                                {"municipality", anon.level.municipality == 0   ? "kommune"
                                                 : anon.level.municipality == 1 ? "county"
                                                                                : "suppressed"},
                                {"intake_period", anon.level.intake == 0   ? "month"
                                                  : anon.level.intake == 1 ? "quarter"
                                                  : anon.level.intake == 2 ? "half_year"
                                                                           : "year"},
                                {"office", anon.level.office == 0 ? "pseudonym" : "suppressed"},
                                {"actor", "role"},
                                {"follow_up", "from_period_end"}};
  auto fixed4 = [](double v) { return std::round(v * 10000) / 10000; };
  auto arx = [&](const ReidentificationRisk& r) {
    return nlohmann::json{{"records", r.records},
                          {"classes", r.classes},
                          {"smallest_class", r.smallest_class},
                          {"prosecutor_max", fixed4(r.prosecutor_max)},
                          {"prosecutor_mean", fixed4(r.prosecutor_mean)},
                          {"journalist_max", fixed4(r.journalist_max)},
                          {"journalist_mean", fixed4(r.journalist_mean)},
                          {"marketer", fixed4(r.marketer)},
                          {"sample_uniques", fixed4(r.sample_uniques)},
                          {"records_at_risk", fixed4(r.records_at_risk)},
                          {"journalist_records_at_risk", fixed4(r.journalist_records_at_risk)}};
  };
  auto trajectory = [&](const TrajectoryRisk& r) {
    return nlohmann::json{{"persons", r.persons},
                          {"items", r.items},
                          {"unique_by_types", fixed4(r.unique_by_types)},
                          {"unique_by_items", fixed4(r.unique_by_items)},
                          {"below_k_by_items", fixed4(r.below_k_by_items)},
                          {"violating_sets", r.violating_sets}};
  };
  manifest["risk"] = {
      {"classes", anon.risk.classes},
      {"smallest_class", anon.risk.smallest_class},
      {"max_risk", fixed4(anon.risk.max_risk)},
      {"mean_risk", fixed4(anon.risk.mean_risk)},
      {"risk_threshold", anon.risk.risk_threshold},
      {"share_at_risk", fixed4(anon.risk.share_at_risk)},
      {"quasi_identifiers", {"sex", "age_band", "municipality", "office", "intake_period"}},
      {"population", "cohort"},
      {"before", arx(qi_before)},
      {"after", arx(qi_after)}};
  manifest["trajectories"] = {
      {"l", params.lkc_l == 0 ? 2 : params.lkc_l},  // of the figures (2 when nothing enforced)
      {"before", trajectory(trajectories_before)},
      {"after", trajectory(trajectories_after)},
      {"suppressed",
       {{"items", enforcement.items_suppressed},
        {"events", enforcement.events_suppressed},
        {"needed_events", enforcement.needed_events_suppressed}}},
      {"events_censored", summary.events_censored}};
  manifest["outcomes_moved"] = {{"figures", summary.moved},
                                {"followed_lost", summary.moved_followed},
                                {"max_share_points", fixed4(summary.moved_max_share_points)}};
  manifest["counts"] = {{"cohort", summary.cohort},
                        {"excluded",
                         {{"no_consent", summary.excluded.no_consent},
                          {"objected", summary.excluded.objected},
                          {"restricted", summary.excluded.restricted},
                          {"erased", summary.excluded.erased}}},
                        {"suppressed", summary.suppressed},
                        {"persons", summary.persons},
                        {"events", summary.events},
                        {"observations_merged", summary.observations_merged}};
  manifest["projection"] = {{"name", replay::OutcomesProjection::kName},
                            {"version", replay::OutcomesProjection::kVersion}};
  manifest["release_log"] = {
      {"size", release_point->size},
      {"root_sha256",
       Sha256Hex(std::string_view(reinterpret_cast<const char*>(release_point->root.data()),
                                  release_point->root.size()))}};
  manifest["outcomes_report_sha256"] = summary.report_sha256;
  manifest["files"] = {
      {std::string(kEventsFile), {{"sha256", events_hash->first}, {"bytes", events_hash->second}}},
      {std::string(kPersonsFile),
       {{"sha256", Sha256Hex(persons_csv)}, {"bytes", persons_csv.size()}}}};
  summary.manifest_json = manifest.dump(2) + "\n";
  summary.manifest_sha256 = Sha256Hex(summary.manifest_json);
  if (Status s = WriteFile(staging / kManifestFile, summary.manifest_json); !s.ok()) {
    return cleanup(s);
  }
  tlog::Note note;
  note.text = internal::SignedText(params.release_id, summary.manifest_sha256);
  note.signatures.push_back(tlog::SignNoteEd25519(note.text, ledger_key.name(), ledger_key.seed()));
  if (Status s = WriteFile(staging / kSignatureFile, tlog::FormatNote(note)); !s.ok()) {
    return cleanup(s);
  }
  mark("files");
  summary.staging_dir = staging.string();
  summary.seconds = std::move(seconds);
  return summary;
}

std::string ExportedEventData(const ExportSummary& s) {
  nlohmann::json data;
  data["release_id"] = s.params.release_id;
  data["cohort"] = {{"intake_from", FormatDate(s.params.intake_from)},
                    {"intake_to", FormatDate(s.params.intake_to)},
                    {"age_min", s.params.age_min},
                    {"age_max", s.params.age_max}};
  data["privacy"] = {{"k", s.params.k},
                     {"small_cell_threshold", s.params.small_cell_threshold},
                     {"time_unit_days", s.params.time_unit_days}};
  data["counts"] = {{"persons", s.persons},
                    {"events", s.events},
                    {"excluded", s.excluded.no_consent + s.excluded.objected +
                                     s.excluded.restricted + s.excluded.erased},
                    {"suppressed", s.suppressed}};
  data["manifest_sha256"] = s.manifest_sha256;
  return data.dump();
}

Status Publish(const ExportSummary& summary, const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec)) fs::remove(out_dir, ec);  // an empty directory (checked before)
  fs::rename(summary.staging_dir, out_dir, ec);
  if (ec) return Status::IOError("cannot move the release into " + out_dir + ": " + ec.message());
  return Status::Ok();
}

void Discard(const ExportSummary& summary) {
  std::error_code ec;
  fs::remove_all(summary.staging_dir, ec);
}

}  // namespace ledger::release
