// What a release's privacy steps promise, checked from the released files themselves
// (docs/evaluator-guide.md, "Quasi-identifiers and k-anonymity", "Trajectories"): every class of
// people sharing everything published about time, place and office has at least k members, and
// the manifest's smallest class is what an independent grouping finds; the office is a
// quasi-identifier; every set of at most L (event type, coarse time) items is shared by no one or
// by at least K persons; the risk figures, worked out by hand on tiny cohorts; and the measured
// cost, the outcomes moved from the ledger's own.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "../replay/replay_test_log.h"
#include "../temp_dir.h"
#include "../test_files.h"
#include "export_and_publish.h"
#include "k_anonymity.h"
#include "ledger/event_codec.h"
#include "pseudonyms.h"
#include "release/release.h"
#include "replay/event_view.h"
#include "replay/report_run.h"
#include "synth/cohort_generator.h"
#include "trajectory.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;
using testing::ReplayTestLog;

using ledger::testing::ReadWholeFile;

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// persons.csv as rows of column name -> value.
std::vector<std::map<std::string, std::string>> ReadPersons(const fs::path& file) {
  std::istringstream in(ReadWholeFile(file));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = Split(line, ',');
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = Split(line, ',');
    EXPECT_EQ(cells.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<nlohmann::json> ReadEvents(const fs::path& file) {
  std::istringstream in(ReadWholeFile(file));
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

class PrivacyTest : public ::testing::Test {
 protected:
  // A 60-participant cohort: too small for month-level intake at k = 5, as the auditor's was.
  static void SetUpTestSuite() {
    log_ = new ReplayTestLog();
    synth::CohortOptions options;
    options.participants = 60;
    options.seed = 11;
    std::vector<SignedEvent> batch;
    std::string error = synth::GenerateCohort(options, [&](std::string_view line) {
      auto j = nlohmann::json::parse(line);
      auto e = SignEventJson(line, log_->Key(j["actor"]["role"].get<std::string>()));
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      batch.push_back(std::move(e).value());
    });
    ASSERT_TRUE(error.empty()) << error;
    for (size_t i = 0; i < batch.size(); i += 1000) {
      std::vector<SignedEvent> part(
          batch.begin() + static_cast<ptrdiff_t>(i),
          batch.begin() + static_cast<ptrdiff_t>(std::min(batch.size(), i + 1000)));
      ASSERT_TRUE(log_->ledger().log().AppendAtomic(part).ok());
    }
    auto e = SignEventJson(ReleaseEventJson("dpo", "release.approved", "GDPR:6(1)(e)",
                                            nlohmann::json{{"release_id", "small"},
                                                           {"recipient_org", "ramboll"},
                                                           {"purpose", "evaluation"},
                                                           {"basis", "GDPR:6(1)(e)"},
                                                           {"expires_at", "2099-01-01T00:00:00Z"}}
                                                .dump()),
                           log_->Key("dpo"));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ASSERT_TRUE(log_->ledger().log().Append(*e).ok());
  }
  static void TearDownTestSuite() { delete log_; }

  void SetUp() override { dir_ = temp_.path(); }

  static ExportParams Params() {
    ExportParams p;
    p.release_id = "small";
    p.intake_from = CivilDate{2008, 1, 1};
    p.intake_to = CivilDate{2009, 6, 30};
    p.as_of = CivilDate{2010, 12, 31};
    return p;
  }

  ExportSummary ExportTo(const ExportParams& p, const std::string& name) {
    return release_testing::ExportAndPublish(*log_, p, dir_ / name);
  }

  static ReplayTestLog* log_;
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};
ReplayTestLog* PrivacyTest::log_ = nullptr;

// Finding 3: the classes of everything published that reveals time, place or office, grouped
// from persons.csv and events.jsonl alone, are at least k, and the smallest is the manifest's.
TEST_F(PrivacyTest, SmallestClassOverEverythingPublishedIsTheManifests) {
  const ExportSummary s = ExportTo(Params(), "r");
  ASSERT_GT(s.persons, 40u);
  const auto manifest = nlohmann::json::parse(ReadWholeFile(dir_ / "r" / "manifest.json"));
  // The cohort is too small for months: month-level follow-up would have told the month.
  ASSERT_NE(manifest["generalisation"]["intake_period"], "month");

  // Per person, from events.jsonl: the office of case.opened, every actor id.
  std::map<std::string, std::set<std::string>> offices, actors;
  for (const nlohmann::json& e : ReadEvents(dir_ / "r" / "events.jsonl")) {
    const std::string person = e["person"];
    actors[person].insert(e["actor"]["id"].get<std::string>());
    if (e["type"] == "case.opened") offices[person].insert(e["data"]["office"].get<std::string>());
  }
  std::map<std::string, int> classes;
  std::map<std::string, std::set<std::string>> followed_by_period;
  const auto rows = ReadPersons(dir_ / "r" / "persons.csv");
  ASSERT_EQ(rows.size(), s.persons);
  for (const auto& row : rows) {
    const std::string& person = row.at("person");
    std::string key;
    for (const char* column : {"sex", "age_band", "municipality", "intake_period", "anchor_month",
                               "followed_months", "end_month"}) {
      key += row.at(column) + "|";
    }
    // Which horizons a person was followed for is time too.
    for (const auto& [column, value] : row) {
      if (column.starts_with("status_")) key += (value == "not_followed" ? "n" : "f");
    }
    for (const std::string& o : offices[person]) key += "|office " + o;
    for (const std::string& a : actors[person]) key += "|actor " + a;
    ++classes[key];
    followed_by_period[row.at("intake_period")].insert(row.at("followed_months") + "/" +
                                                       row.at("end_month"));
  }
  int smallest = INT32_MAX;
  for (const auto& [key, n] : classes) smallest = std::min(smallest, n);
  EXPECT_GE(smallest, 5);
  EXPECT_EQ(static_cast<uint64_t>(smallest), manifest["risk"]["smallest_class"].get<uint64_t>());
  EXPECT_EQ(classes.size(), manifest["risk"]["classes"].get<uint64_t>());
  EXPECT_EQ(manifest["risk"]["after"]["smallest_class"], manifest["risk"]["smallest_class"]);
  // Follow-up says no more than the period.
  for (const auto& [period, followed] : followed_by_period) {
    EXPECT_EQ(followed.size(), 1u) << period;
  }
}

// Finding 3: the office pseudonym on case.opened is a quasi-identifier, and actors do not carry
// it (a caseworker belongs to one office).
TEST_F(PrivacyTest, OfficeIsAQuasiIdentifier) {
  // Twelve people alike but for the office: 6 + 6 keeps the office, 8 + 4 cannot.
  std::vector<QuasiIdentifiers> people;
  for (int i = 0; i < 12; ++i) {
    people.push_back({"female", 19, "3005", i < 6 ? "office-01" : "office-02", {2008, 1, 10}});
  }
  auto even = Anonymise(people, 5, 0);
  ASSERT_TRUE(even.ok()) << even.status().ToString();
  EXPECT_EQ(even->level.steps(), 0);
  EXPECT_EQ(even->risk.smallest_class, 6u);
  people[6].office = "office-01";
  people[7].office = "office-01";
  auto uneven = Anonymise(people, 5, 0);
  ASSERT_TRUE(uneven.ok()) << uneven.status().ToString();
  EXPECT_EQ(uneven->level.office, 1) << "the office is generalised, not ignored";
  EXPECT_EQ(uneven->level.steps(), 1);
  EXPECT_EQ(uneven->risk.smallest_class, 12u);

  // In a release: the classes by office (from events.jsonl) are at least k, and there is one
  // actor id per role.
  ExportTo(Params(), "r");
  const auto manifest = nlohmann::json::parse(ReadWholeFile(dir_ / "r" / "manifest.json"));
  std::map<std::string, std::string> office_of;
  std::map<std::string, std::set<std::string>> ids_of_role;
  for (const nlohmann::json& e : ReadEvents(dir_ / "r" / "events.jsonl")) {
    ids_of_role[e["actor"]["role"]].insert(e["actor"]["id"].get<std::string>());
    if (e["type"] == "case.opened") office_of[e["person"]] = e["data"]["office"];
  }
  for (const auto& [role, ids] : ids_of_role) EXPECT_EQ(ids.size(), 1u) << role;
  std::map<std::string, int> classes;
  for (const auto& row : ReadPersons(dir_ / "r" / "persons.csv")) {
    ++classes[row.at("sex") + row.at("age_band") + row.at("municipality") +
              row.at("intake_period") + office_of.at(row.at("person"))];
  }
  for (const auto& [key, n] : classes) EXPECT_GE(n, 5) << key;
  std::set<std::string> offices;
  for (const auto& [person, office] : office_of) offices.insert(office);
  if (manifest["generalisation"]["office"] == "suppressed") {
    EXPECT_EQ(offices, std::set<std::string>{"suppressed"});
  } else {
    EXPECT_EQ(manifest["generalisation"]["office"], "pseudonym");
    for (const std::string& o : offices) EXPECT_EQ(o[0], 'o') << o;
  }
}

// Finding 4: from events.jsonl alone, every set of at most L (type, day / bucket) items is shared
// by no one or by at least K persons; and before suppression it was not.
TEST_F(PrivacyTest, EveryKnownSetOfLItemsMatchesNoneOrK) {
  for (int l : {1, 2, 3}) {
    SCOPED_TRACE("L = " + std::to_string(l));
    ExportParams p = Params();
    p.lkc_l = l;
    p.lkc_k = 4;
    p.lkc_bucket_days = 56;
    const std::string name = "r" + std::to_string(l);
    const ExportSummary s = ExportTo(p, name);
    const auto manifest = nlohmann::json::parse(ReadWholeFile(dir_ / name / "manifest.json"));
    EXPECT_EQ(manifest["privacy"]["lkc"]["l"], l);
    std::map<std::string, std::set<std::pair<std::string, int64_t>>> items;
    for (const nlohmann::json& e : ReadEvents(dir_ / name / "events.jsonl")) {
      const int64_t day = e["day"];
      const int64_t bucket = day >= 0 ? day / 56 : -((-day + 55) / 56);
      items[e["person"]].emplace(e["type"].get<std::string>(), bucket);
    }
    ASSERT_EQ(items.size(), s.persons);
    std::map<std::vector<std::pair<std::string, int64_t>>, int> shared;
    for (const auto& [person, mine] : items) {
      const std::vector<std::pair<std::string, int64_t>> v(mine.begin(), mine.end());
      for (size_t a = 0; a < v.size(); ++a) {
        ++shared[{v[a]}];
        for (size_t b = a + 1; l >= 2 && b < v.size(); ++b) {
          ++shared[{v[a], v[b]}];
          for (size_t c = b + 1; l >= 3 && c < v.size(); ++c) ++shared[{v[a], v[b], v[c]}];
        }
      }
    }
    for (const auto& [set, n] : shared) {
      ASSERT_GE(n, 4) << set.front().first << " at " << set.front().second << " and "
                      << set.size() - 1 << " more";
    }
    EXPECT_EQ(manifest["trajectories"]["after"]["violating_sets"], 0);
    EXPECT_EQ(manifest["trajectories"]["after"]["below_k_by_items"], 0);
    EXPECT_GT(manifest["trajectories"]["before"]["violating_sets"].get<uint64_t>(), 0u);
    EXPECT_GT(manifest["trajectories"]["suppressed"]["events"].get<uint64_t>(), 0u);
    EXPECT_EQ(s.events_suppressed, manifest["trajectories"]["suppressed"]["events"]);
    // case.opened is never suppressed: the release still replays, everyone with an intake.
    auto opened = OpenRelease((dir_ / name).string(), {log_->ledger_key().verifier().ToString()});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    replay::OutcomesOptions options;
    options.horizons = opened->horizons;
    auto report = ReleaseOutcomes(*opened, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->groups.front().cohort, s.persons);
  }
}

// The ARX-style figures on a cohort small enough to work out by hand. Released classes
// a (1 record), b (2), c (3); in the population a 2, b 4, c 3 (and d 5, not released).
TEST(RiskFiguresTest, HandMadeCohort) {
  const std::vector<std::string> released = {"a", "b", "b", "c", "c", "c"};
  const std::vector<std::string> population = {"a", "a", "b", "b", "b", "b", "c",
                                               "c", "c", "d", "d", "d", "d", "d"};
  const ReidentificationRisk r = MeasureRisk(released, population, 0.4);
  EXPECT_EQ(r.records, 6u);
  EXPECT_EQ(r.classes, 3u);
  EXPECT_EQ(r.smallest_class, 1u);
  EXPECT_DOUBLE_EQ(r.prosecutor_max, 1.0);                  // 1 / 1
  EXPECT_DOUBLE_EQ(r.prosecutor_mean, 0.5);                 // 3 classes / 6 records
  EXPECT_DOUBLE_EQ(r.records_at_risk, 0.5);                 // a (1) and b (1/2 > 0.4): 3 of 6
  EXPECT_DOUBLE_EQ(r.sample_uniques, 1.0 / 6);              // a
  EXPECT_DOUBLE_EQ(r.journalist_max, 0.5);                  // 1 / min(2, 4, 3)
  EXPECT_DOUBLE_EQ(r.marketer, 1.0 / 3);                    // (1/2 + 2/4 + 3/3) / 6
  EXPECT_DOUBLE_EQ(r.journalist_mean, 1.0 / 3);             // max(3 / 9, marketer)
  EXPECT_DOUBLE_EQ(r.journalist_records_at_risk, 1.0 / 6);  // only a: 1/2 > 0.4
  // With the release as its own population (prosecutor = journalist).
  const ReidentificationRisk self = MeasureRisk(released, released, 0.4);
  EXPECT_DOUBLE_EQ(self.journalist_max, 1.0);
  EXPECT_DOUBLE_EQ(self.marketer, 0.5);
}

// Trajectories of three persons (bucket 7 days, K = 2, L = 2):
//   P0: a day 0, b day 7, c day 14    items {a0, b1, c2}
//   P1: a day 0, b day 8              items {a0, b1}
//   P2: a day 0, c day 20             items {a0, c2}
// Shared: a0 3, b1 2, c2 2, {a0 b1} 2, {a0 c2} 2, {b1 c2} 1: one violating set, and P0 is
// unique by it. Every sequence of types is unique. b is needed by the indicators, so c2 goes.
TEST(TrajectoryTest, HandMadeCohort) {
  const uint16_t a = 0, b = 1, c = 2;
  std::vector<TrajectoryEvent> events = {{0, a, 0, true, false},   {0, b, 7, false, true},
                                         {0, c, 14, false, false}, {1, a, 0, true, false},
                                         {1, b, 8, false, true},   {2, a, 0, true, false},
                                         {2, c, 20, false, false}};
  const TrajectoryParams params{2, 2, 7};
  auto before = MeasureTrajectories(events, 3, params);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->violating_sets, 1u);
  EXPECT_DOUBLE_EQ(before->unique_by_items, 1.0 / 3);
  EXPECT_DOUBLE_EQ(before->below_k_by_items, 1.0 / 3);
  EXPECT_DOUBLE_EQ(before->unique_by_types, 1.0);
  EXPECT_EQ(before->items, 3u);
  auto enforced = EnforceLkc(events, 3, params);
  ASSERT_TRUE(enforced.ok());
  EXPECT_EQ(enforced->suppressed,
            (std::vector<bool>{false, false, true, false, false, false, true}));
  EXPECT_EQ(enforced->items_suppressed, 1u);
  EXPECT_EQ(enforced->needed_events_suppressed, 0u);
  auto after = MeasureTrajectories(events, 3, params, &enforced->suppressed);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->violating_sets, 0u);
  EXPECT_DOUBLE_EQ(after->unique_by_types, 1.0 / 3);  // P0 and P1 "a b", P2 "a"
  // Fewer persons than K: case.opened alone violates, and it is never suppressed.
  auto too_few = EnforceLkc(events, 3, TrajectoryParams{1, 4, 7});
  EXPECT_EQ(too_few.status().code(), StatusCode::kFailedPrecondition);
}

// The cost, measured: the manifest's outcomes_moved is the difference between the ledger's own
// outcomes for the released people, computed here from the ledger, and the release's replayed
// ones; and the release agrees exactly with the ledger as released (summary.disagreements).
TEST_F(PrivacyTest, OutcomesMovedIsMeasured) {
  // Reported in November: a quarter's earlier months are followed for 24 months, its last not.
  ExportParams p = Params();
  p.as_of = CivilDate{2010, 11, 30};
  const ExportSummary s = ExportTo(p, "r");
  EXPECT_TRUE(s.disagreements.empty()) << s.disagreements.front();
  const auto manifest = nlohmann::json::parse(ReadWholeFile(dir_ / "r" / "manifest.json"));
  auto opened = OpenRelease((dir_ / "r").string(), {log_->ledger_key().verifier().ToString()});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  replay::OutcomesOptions options;
  options.horizons = opened->horizons;
  auto ours = ReleaseOutcomes(*opened, options);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();

  Pseudonymizer names(DeriveReleaseKey(log_->master_key(), "small"));
  std::set<std::string> released;
  for (const ReleasePerson& person : opened->persons) released.insert(person.person);
  class Only final : public replay::Projection {
   public:
    Only(replay::Projection* inner, const Pseudonymizer* names, const std::set<std::string>* keep)
        : inner_(inner), names_(names), keep_(keep) {}
    std::string_view name() const override { return inner_->name(); }
    uint32_t version() const override { return inner_->version(); }
    void Apply(const replay::EventView& e) override {
      if (!e.subject().empty() && keep_->count(names_->Person(e.subject()))) inner_->Apply(e);
    }
    void Reset() override { inner_->Reset(); }
    std::string Serialize() const override { return inner_->Serialize(); }
    Status Restore(std::string_view b) override { return inner_->Restore(b); }

   private:
    replay::Projection* inner_;
    const Pseudonymizer* names_;
    const std::set<std::string>* keep_;
  };
  replay::OutcomesProjection projection;
  Only only(&projection, &names, &released);
  replay::ReportMoment moment;
  moment.as_of = p.as_of;
  auto run = replay::ReplayForReport(log_->ledger(), moment, {&only});
  ASSERT_TRUE(run.ok());
  const replay::OutcomesReport theirs = projection.Report(run->at, run->log, options);
  const replay::OutcomeGroup& a = theirs.groups.front();
  const replay::OutcomeGroup& b = ours->groups.front();
  EXPECT_EQ(a.cohort, b.cohort);
  uint64_t lost = 0;
  double points = 0;
  for (size_t i = 0; i < a.horizons.size(); ++i) {
    const auto& x = a.horizons[i];
    const auto& y = b.horizons[i];
    EXPECT_GE(x.followed, y.followed);
    lost += x.followed - y.followed;
    auto share = [](uint64_t n, uint64_t d) { return d == 0 ? 0.0 : 100.0 * n / d; };
    for (const auto& [status, n] : x.status) {
      points =
          std::max(points, std::abs(share(n, x.followed) - share(y.status.at(status), y.followed)));
    }
    for (auto m :
         {&replay::HorizonOutcome::work_or_education, &replay::HorizonOutcome::any_activity,
          &replay::HorizonOutcome::off_assistance, &replay::HorizonOutcome::assistance_main_income,
          &replay::HorizonOutcome::supplementary_only}) {
      points = std::max(points, std::abs(share(x.*m, x.followed) - share(y.*m, y.followed)));
    }
  }
  // The period is coarser than a month, so follow-up from its end loses some person-horizons.
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(manifest["outcomes_moved"]["followed_lost"].get<uint64_t>(), lost);
  EXPECT_NEAR(manifest["outcomes_moved"]["max_share_points"].get<double>(), points, 1e-4);
  EXPECT_FALSE(manifest["outcomes_moved"]["figures"].empty());
  EXPECT_EQ(s.ledger_outcomes.groups.front().horizons.front().followed,
            a.horizons.front().followed);
}

}  // namespace
}  // namespace ledger::release
