// Tests of the synthetic cohort generator: determinism, the line format and the schema's value
// formats, the catalogue's refusal rules (checked per stream as the ledger would), privacy of
// personal values, and the shape of the cohort against the P1824 and Aktiv Hverdag reports.
#include "synth/cohort_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "synth/scenario.h"

namespace ledger::synth {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> Generate(const CohortOptions& options, std::string* error = nullptr) {
  std::vector<std::string> lines;
  std::string e = GenerateCohort(options, [&](std::string_view line) { lines.emplace_back(line); });
  if (error != nullptr) *error = e;
  EXPECT_TRUE(error != nullptr || e.empty()) << e;
  return lines;
}

// ---- Value formats, written independently of the generator ----

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

// Codes and legal references also allow "§", "(", ")" and "/".
bool IsCode(std::string s) {
  for (std::string_view extra : {"§", "(", ")", "/"}) {
    for (size_t at = s.find(extra); at != std::string::npos; at = s.find(extra)) {
      s.replace(at, extra.size(), "_");
    }
  }
  return IsId(s);
}

bool IsDate(std::string_view s) {
  return s.size() == 10 && IsDigits(s.substr(0, 4)) && s[4] == '-' && IsDigits(s.substr(5, 2)) &&
         s[7] == '-' && IsDigits(s.substr(8, 2));
}

bool IsMonth(std::string_view s) {
  return s.size() == 7 && IsDigits(s.substr(0, 4)) && s[4] == '-' && IsDigits(s.substr(5, 2));
}

bool IsUuidV4(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

bool IsRecipient(const std::string& s) {
  static const std::set<std::string> kFixed = {
      "nav", "school", "health", "child_welfare", "referral_committee", "employer"};
  return kFixed.count(s) != 0 ||
         (s.rfind("evaluator:", 0) == 0 && IsId(s.substr(10)) && s.size() > 10);
}

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int64_t DateDays(std::string_view s) {
  return DaysFromCivil(std::stoi(std::string(s.substr(0, 4))),
                       std::stoi(std::string(s.substr(5, 2))),
                       std::stoi(std::string(s.substr(8, 2))));
}

// RFC 3339 with seconds and a zone ("Z" or +hh:mm / -hh:mm) to UTC seconds; -1 if malformed.
int64_t InstantUtcSeconds(std::string_view s) {
  if (s.size() < 20 || !IsDate(s.substr(0, 10)) || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return -1;
  }
  const int64_t local =
      DateDays(s.substr(0, 10)) * 86400 + std::stoi(std::string(s.substr(11, 2))) * 3600 +
      std::stoi(std::string(s.substr(14, 2))) * 60 + std::stoi(std::string(s.substr(17, 2)));
  const std::string_view zone = s.substr(19);
  if (zone == "Z") return local;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return -1;
  const int offset = std::stoi(std::string(zone.substr(1, 2))) * 3600 +
                     std::stoi(std::string(zone.substr(4, 2))) * 60;
  return zone[0] == '+' ? local - offset : local + offset;
}

int64_t MonthNumber(std::string_view month) {
  return std::stoi(std::string(month.substr(0, 4))) * 12 +
         std::stoi(std::string(month.substr(5, 2))) - 1;
}

// start + 3 months in days, the day of month clamped to the month's last day.
int64_t PlusThreeMonths(std::string_view start) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t month = MonthNumber(start) + 3;
  const int year = static_cast<int>(month / 12), m = static_cast<int>(month % 12) + 1;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int last = m == 2 && leap ? 29 : kDays[m - 1];
  return DaysFromCivil(year, m, std::min(std::stoi(std::string(start.substr(8, 2))), last));
}

bool ValidFodselsnummerChecks(const std::string& id) {
  static constexpr int kW1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr int kW2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int s1 = 0, s2 = 0;
  for (int i = 0; i < 9; ++i) s1 += kW1[i] * (id[i] - '0');
  for (int i = 0; i < 10; ++i) s2 += kW2[i] * (id[i] - '0');
  const int k1 = (11 - s1 % 11) % 11, k2 = (11 - s2 % 11) % 11;
  return k1 == id[9] - '0' && k2 == id[10] - '0';
}

// ---- The default cohort (428 participants from 2008-01, 36 months, seed 1), parsed once ----

class DefaultCohortTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lines_ = new std::vector<std::string>(Generate(CohortOptions{}));
    events_ = new std::vector<Json>();
    events_->reserve(lines_->size());
    for (const std::string& line : *lines_) events_->push_back(Json::parse(line));
  }
  static void TearDownTestSuite() {
    delete lines_;
    delete events_;
    lines_ = nullptr;
    events_ = nullptr;
  }

  static std::vector<std::string>* lines_;
  static std::vector<Json>* events_;
};

std::vector<std::string>* DefaultCohortTest::lines_ = nullptr;
std::vector<Json>* DefaultCohortTest::events_ = nullptr;

// ---- Determinism ----

TEST(CohortGeneratorTest, SameOptionsGiveTheSameBytes) {
  CohortOptions options;
  options.participants = 80;
  EXPECT_EQ(Generate(options), Generate(options));
}

TEST(CohortGeneratorTest, AnotherSeedGivesAnotherCohort) {
  CohortOptions a, b;
  a.participants = b.participants = 80;
  b.seed = 2;
  const auto first = Generate(a), second = Generate(b);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  EXPECT_NE(first, second);
  EXPECT_NE(first.front(), second.front());
}

// The output is streamed slice by slice; the slicing must not show in the bytes.
TEST(CohortGeneratorTest, SliceSizeDoesNotChangeTheOutput) {
  CohortOptions whole, sliced;
  whole.participants = sliced.participants = 150;
  sliced.slice_events = 700;  // ~25 slices
  const auto a = Generate(whole), b = Generate(sliced);
  ASSERT_GT(a.size(), 10'000u);
  EXPECT_EQ(a, b);
}

TEST(CohortGeneratorTest, InvalidOptionsAreRefusedAndWriteNothing) {
  auto refused = [](auto change) {
    CohortOptions options;
    change(options);
    int calls = 0;
    const std::string error = GenerateCohort(options, [&](std::string_view) { ++calls; });
    if (!error.empty()) {
      EXPECT_EQ(calls, 0) << "written despite: " << error;
    }
    return !error.empty();
  };
  EXPECT_TRUE(refused([](CohortOptions& o) { o.participants = 0; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.participants = 1'000'001; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.months = 0; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.months = 121; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.from_month = 0; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.from_month = 13; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.from_year = 2024; }));  // would end in 2027
  EXPECT_TRUE(refused([](CohortOptions& o) { o.municipality = "30a5"; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.programme = "P 1824"; }));
  EXPECT_TRUE(refused([](CohortOptions& o) { o.slice_events = -1; }));
  EXPECT_FALSE(refused([](CohortOptions& o) {
    o.participants = 1;
    o.months = 1;
    o.from_year = 2025;
    o.from_month = 12;
  }));
}

// ---- Scenarios (the reports' cohorts; their figures are checked by replaying them, in
// tests/cli/scenario_figures_test.cc) ----

TEST(CohortGeneratorTest, ScenariosAreNamedAndFixTheirOptions) {
  EXPECT_EQ(ParseScenario("drammen"), Scenario::kDrammen);
  EXPECT_EQ(ParseScenario("narvik"), Scenario::kNarvik);
  EXPECT_FALSE(ParseScenario("none").has_value());
  EXPECT_FALSE(ParseScenario("Drammen").has_value());
  EXPECT_EQ(ScenarioName(Scenario::kNarvik), "narvik");
  const CohortOptions narvik = ScenarioOptions(Scenario::kNarvik, 9);
  EXPECT_EQ(narvik.participants, 235);
  EXPECT_EQ(narvik.seed, 9u);
  EXPECT_EQ(narvik.municipality, "1805");
  for (auto change :
       {+[](CohortOptions& o) { o.participants = 236; }, +[](CohortOptions& o) { o.months = 30; },
        +[](CohortOptions& o) { o.municipality = "3005"; }}) {
    CohortOptions options = narvik;
    change(options);
    int calls = 0;
    const std::string error = GenerateCohort(options, [&](std::string_view) { ++calls; });
    EXPECT_NE(error.find("narvik scenario fixes"), std::string::npos) << error;
    EXPECT_EQ(calls, 0);
  }
}

TEST(CohortGeneratorTest, ScenarioCohortsAreDeterministicAndTheirIntakesInTheReportsYears) {
  const auto first = Generate(ScenarioOptions(Scenario::kNarvik, 1));
  EXPECT_EQ(first, Generate(ScenarioOptions(Scenario::kNarvik, 1)));
  EXPECT_NE(first, Generate(ScenarioOptions(Scenario::kNarvik, 2)));
  auto intakes = [](const std::vector<std::string>& lines) {
    std::set<std::string> out;
    for (const std::string& line : lines) {
      const Json e = Json::parse(line);
      if (e["type"] != "case.opened") continue;
      EXPECT_GE(e["data"]["age_at_intake"].get<int>(), 18);
      EXPECT_LE(e["data"]["age_at_intake"].get<int>(), 24);
      out.insert(e["data"]["intake_date"].get<std::string>());
    }
    return out;
  };
  const std::set<std::string> narvik = intakes(first);
  ASSERT_FALSE(narvik.empty());
  EXPECT_GE(*narvik.begin(), "2002-01-01");
  EXPECT_LE(*narvik.rbegin(), "2003-12-31");
  const std::set<std::string> drammen = intakes(Generate(ScenarioOptions(Scenario::kDrammen)));
  ASSERT_FALSE(drammen.empty());
  EXPECT_GE(*drammen.begin(), "2007-01-01");
  EXPECT_LE(*drammen.rbegin(), "2007-11-30");
}

TEST(CohortGeneratorTest, ShortWindowStaysInsideIt) {
  CohortOptions options;
  options.participants = 40;
  options.from_year = 2012;
  options.from_month = 11;
  options.months = 2;
  const int64_t start = DaysFromCivil(2012, 11, 1) * 86400 - 2 * 3600;
  const int64_t end = DaysFromCivil(2013, 1, 1) * 86400 - 3600;  // local midnight, CET
  int opened = 0;
  for (const std::string& line : Generate(options)) {
    const Json e = Json::parse(line);
    const int64_t t = InstantUtcSeconds(e["occurred_at"].get<std::string>());
    EXPECT_GE(t, start);
    EXPECT_LT(t, end) << line;
    opened += e["type"] == "case.opened";
  }
  EXPECT_EQ(opened, 40);
}

// ---- Line format ----

TEST_F(DefaultCohortTest, EveryLineIsOneJsonObjectWithTheEnvelopeInOrder) {
  ASSERT_GT(lines_->size(), 20'000u);
  const std::vector<std::string> envelope = {"id",      "stream", "type",        "occurred_at",
                                             "subject", "actor",  "legal_basis", "data"};
  std::set<std::string> ids;
  for (size_t i = 0; i < lines_->size(); ++i) {
    const std::string& line = (*lines_)[i];
    const Json& e = (*events_)[i];
    ASSERT_EQ(line.find('\n'), std::string::npos);
    ASSERT_TRUE(e.is_object());
    std::vector<std::string> keys;
    for (auto it = e.begin(); it != e.end(); ++it) keys.push_back(it.key());
    std::vector<std::string> expected = envelope;
    if (e["type"] == "case.opened") expected.push_back("personal");
    ASSERT_EQ(keys, expected) << line;
    ASSERT_TRUE(IsUuidV4(e["id"].get<std::string>())) << line;
    ASSERT_TRUE(ids.insert(e["id"].get<std::string>()).second) << "duplicate id: " << line;
    const std::string subject = e["subject"];
    ASSERT_EQ(e["stream"], "case/" + subject);
    ASSERT_EQ(subject.size(), 11u);
    ASSERT_EQ(subject[0], 'y');
    ASSERT_FALSE(IsDigits(subject));
    ASSERT_TRUE(IsId(subject));
    ASSERT_TRUE(IsId(e["actor"]["id"].get<std::string>()));
    const std::string role = e["actor"]["role"];
    ASSERT_TRUE(role == "caseworker" || role == "service") << line;
    ASSERT_EQ(role == "service", e["actor"]["id"].get<std::string>().rfind("svc-", 0) == 0);
    ASSERT_GE(e["legal_basis"].size(), 1u);
    for (const auto& code : e["legal_basis"]) ASSERT_TRUE(IsCode(code.get<std::string>())) << line;
  }
}

// Field names and formats of the capnp contract for every field the generator writes.
TEST_F(DefaultCohortTest, DataFieldsFollowTheSchema) {
  const std::set<std::string> kDateFields = {
      "intake_date", "period_from",    "period_to", "start", "end",
      "review_date", "reply_deadline", "from",      "to",    "session_date",
      "valid_from",  "as_of",          "due"};
  const std::set<std::string> kInstantFields = {"expires_at", "effective_at"};
  const std::map<std::string, std::set<std::string>> kRequired = {
      {"case.opened",
       {"municipality", "office", "programme", "intake_date", "age_at_intake", "sex",
        "referral_source"}},
      {"assistance.decided",
       {"decision_id", "outcome", "period_from", "period_to", "form", "reduction_warning_given",
        "appeal_info_given", "emergency"}},
      {"payment.made", {"decision_id", "month", "grant_nok", "loan_nok"}},
      {"condition.set",
       {"condition_id", "decision_id", "activity", "start", "end", "hours_per_week"}},
      {"consent.given",
       {"consent_id", "purposes", "recipients", "data_categories", "method", "form_sha256",
        "expires_at"}},
      {"agreement.signed", {"agreement_id", "start", "end", "problems", "tasks"}},
      {"disclosure.made", {"disclosure_id", "recipient", "data_categories", "basis", "purpose"}},
      {"sanction.imposed",
       {"sanction_id", "breach_id", "basis_decision_id", "from", "to", "emergency_checked"}},
  };
  for (const Json& e : *events_) {
    const Json& data = e["data"];
    const std::string type = e["type"];
    auto required = kRequired.find(type);
    if (required != kRequired.end()) {
      for (const std::string& field : required->second) {
        ASSERT_TRUE(data.contains(field)) << type << " lacks " << field;
      }
    }
    ASSERT_GT(InstantUtcSeconds(e["occurred_at"].get<std::string>()), 0);
    for (auto it = data.begin(); it != data.end(); ++it) {
      const std::string& key = it.key();
      const Json& value = it.value();
      if (kDateFields.count(key)) {
        ASSERT_TRUE(IsDate(value.get<std::string>())) << key;
      }
      if (kInstantFields.count(key)) {
        ASSERT_GT(InstantUtcSeconds(value.get<std::string>()), 0);
      }
      if (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0) {
        ASSERT_TRUE(IsId(value.get<std::string>())) << key;
      }
      if (key == "month") {
        ASSERT_TRUE(IsMonth(value.get<std::string>()));
      }
      if (key == "recipient") {
        ASSERT_TRUE(IsRecipient(value.get<std::string>()));
      }
      if (key == "form_sha256") {
        const std::string hex = value;
        ASSERT_EQ(hex.size(), 64u);
        ASSERT_TRUE(std::all_of(hex.begin(), hex.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }));
      }
    }
    if (type == "case.opened") {
      ASSERT_TRUE(IsDigits(data["municipality"].get<std::string>()));
      ASSERT_EQ(data["municipality"].get<std::string>().size(), 4u);
    }
    if (type == "consent.given") {
      for (const auto& r : data["recipients"]) ASSERT_TRUE(IsRecipient(r.get<std::string>()));
    }
    if (type == "disclosure.made") {
      const std::string basis = data["basis"];
      ASSERT_TRUE(basis.rfind("consent:", 0) == 0 ? IsId(basis.substr(8)) : IsCode(basis));
    }
    if (type == "sanction.imposed") {
      ASSERT_NE(data.contains("reduction_pct"), data.contains("reduction_nok"));
    }
    if (type == "payment.made") {
      ASSERT_GE(data["grant_nok"].get<int>(), 0);
      ASSERT_LE(data["grant_nok"].get<int>(), 12'000);
      ASSERT_LE(data["loan_nok"].get<int>(), 12'000);
      ASSERT_GT(data["grant_nok"].get<int>() + data["loan_nok"].get<int>(), 0);
    }
  }
}

// ---- Time ----

TEST_F(DefaultCohortTest, OccurredAtNeverDecreasesAndStaysInTheWindow) {
  const int64_t start = DaysFromCivil(2008, 1, 1) * 86400 - 3600;
  const int64_t end = DaysFromCivil(2011, 1, 1) * 86400 - 3600;
  int64_t previous = start;
  for (const Json& e : *events_) {
    const int64_t t = InstantUtcSeconds(e["occurred_at"].get<std::string>());
    ASSERT_GE(t, previous) << e.dump();
    ASSERT_LT(t, end) << e.dump();
    previous = t;
  }
}

TEST_F(DefaultCohortTest, EventsHappenOnWeekdaysInOfficeHours) {
  for (const Json& e : *events_) {
    const std::string at = e["occurred_at"];
    const int hour = std::stoi(at.substr(11, 2));
    ASSERT_GE(hour, 8) << at;
    ASSERT_LT(hour, 16) << at;
    const int64_t day = DateDays(at.substr(0, 10));
    const int weekday = static_cast<int>(((day % 7) + 10) % 7);  // Monday 0
    ASSERT_LT(weekday, 5) << at;
    // Summer time from the last Sunday in March to the last Sunday in October.
    const int month = std::stoi(at.substr(5, 2));
    const std::string zone = at.substr(19);
    if (month >= 4 && month <= 9) {
      ASSERT_EQ(zone, "+02:00") << at;
    }
    if (month <= 2 || month >= 11) {
      ASSERT_EQ(zone, "+01:00") << at;
    }
  }
}

// ---- Identity and privacy ----

TEST_F(DefaultCohortTest, PersonalAppearsOnlyOnCaseOpened) {
  for (const Json& e : *events_) {
    ASSERT_EQ(e.contains("personal"), e["type"] == "case.opened") << e.dump();
    if (e.contains("personal")) {
      const Json& p = e["personal"];
      ASSERT_EQ(p.size(), 3u);
      ASSERT_TRUE(p.contains("name") && p.contains("national_id") && p.contains("birth_date"));
    }
  }
}

TEST_F(DefaultCohortTest, NoPersonalValueAppearsOutsidePersonal) {
  std::map<std::string, std::vector<std::string>> personal;  // stream -> values
  std::set<std::string> all_ids;
  for (const Json& e : *events_) {
    if (e["type"] != "case.opened") continue;
    const Json& p = e["personal"];
    personal[e["stream"]] = {p["name"], p["national_id"], p["birth_date"]};
    all_ids.insert(p["national_id"].get<std::string>());
  }
  for (const Json& e : *events_) {
    Json rest = e;
    rest.erase("personal");
    const std::string text = rest.dump();
    for (const std::string& value : personal.at(e["stream"])) {
      ASSERT_EQ(text.find(value), std::string::npos) << value << " in " << text;
    }
    // No national id of anyone, anywhere: look at every run of 11 digits.
    for (size_t i = 0; i + 11 <= text.size(); ++i) {
      if (IsDigits(std::string_view(text).substr(i, 11))) {
        ASSERT_EQ(all_ids.count(text.substr(i, 11)), 0u) << text;
      }
    }
  }
}

TEST_F(DefaultCohortTest, NationalIdsAreSyntheticValidUniqueAndMatchTheBirthDate) {
  std::set<std::string> seen;
  for (const Json& e : *events_) {
    if (e["type"] != "case.opened") continue;
    const std::string id = e["personal"]["national_id"];
    const std::string birth = e["personal"]["birth_date"];
    ASSERT_EQ(id.size(), 11u);
    ASSERT_TRUE(IsDigits(id));
    ASSERT_TRUE(ValidFodselsnummerChecks(id)) << id;
    // DDMMYY with 80 added to the month: never a real person's number.
    ASSERT_EQ(id.substr(0, 2), birth.substr(8, 2));
    ASSERT_EQ(std::stoi(id.substr(2, 2)), std::stoi(birth.substr(5, 2)) + 80) << id;
    ASSERT_EQ(id.substr(4, 2), birth.substr(2, 2));
    const int individual = std::stoi(id.substr(6, 3));
    // The register's individual-number ranges tell the century.
    if (std::stoi(birth.substr(0, 4)) >= 2000) {
      ASSERT_GE(individual, 500) << id;
    } else {
      ASSERT_TRUE(individual < 500 || individual >= 900) << id;
    }
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
    const std::string name = e["personal"]["name"];
    ASSERT_NE(name.find(' '), std::string::npos);
  }
}

TEST_F(DefaultCohortTest, AgesAreEighteenToTwentyFourAndAgreeWithBirthDates) {
  int opened = 0;
  for (const Json& e : *events_) {
    if (e["type"] != "case.opened") continue;
    ++opened;
    const std::string intake = e["data"]["intake_date"], birth = e["personal"]["birth_date"];
    const int age = e["data"]["age_at_intake"];
    EXPECT_GE(age, 18);
    EXPECT_LE(age, 24);
    int computed = std::stoi(intake.substr(0, 4)) - std::stoi(birth.substr(0, 4));
    if (intake.substr(5) < birth.substr(5)) --computed;
    EXPECT_EQ(age, computed) << intake << " " << birth;
  }
  EXPECT_EQ(opened, 428);
}

// ---- The catalogue's refusal rules, replayed per stream ----

struct StreamState {
  bool closed = false;
  std::set<std::string> consents, refused_consents, decisions, conditions, breaches, sanctions,
      referrals;
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> agreements;
  std::set<std::string> closed_agreements;
  std::map<std::string, std::set<std::string>> ids_by_type;
};

TEST_F(DefaultCohortTest, EveryStreamObeysTheCatalogueRules) {
  std::map<std::string, StreamState> streams;
  for (const Json& e : *events_) {
    const std::string type = e["type"];
    const Json& d = e["data"];
    const std::string where = e.dump();
    auto [it, first] = streams.try_emplace(e["stream"].get<std::string>());
    StreamState& s = it->second;
    ASSERT_EQ(first, type == "case.opened") << "case.opened must come first, once: " << where;
    if (s.closed) {
      ASSERT_TRUE(type == "status.observed" || type == "income.recorded" || type == "case.reopened")
          << "after case.closed: " << where;
    }
    auto need = [&](const std::set<std::string>& known, const char* field) {
      ASSERT_EQ(known.count(d[field].get<std::string>()), 1u) << field << " unknown: " << where;
    };
    auto fresh = [&](const char* field) {
      ASSERT_TRUE(s.ids_by_type[field].insert(d[field].get<std::string>()).second)
          << field << " reused: " << where;
    };
    if (type == "case.closed") {
      ASSERT_FALSE(s.closed);
      s.closed = true;
    } else if (type == "case.reopened") {
      ASSERT_TRUE(s.closed);
      s.closed = false;
    } else if (type == "consent.given") {
      fresh("consent_id");
      s.consents.insert(d["consent_id"].get<std::string>());
    } else if (type == "consent.refused") {
      fresh("consent_id");
      s.refused_consents.insert(d["consent_id"].get<std::string>());
    } else if (type == "consent.renewed" || type == "consent.withdrawn") {
      need(s.consents, "consent_id");
    } else if (type == "referral.made") {
      need(s.consents, "consent_id");
      fresh("referral_id");
      s.referrals.insert(d["referral_id"].get<std::string>());
    } else if (type == "referral.recommended") {
      need(s.referrals, "referral_id");
    } else if (type == "disclosure.made") {
      fresh("disclosure_id");
      const std::string basis = d["basis"];
      if (basis.rfind("consent:", 0) == 0) {
        ASSERT_EQ(s.consents.count(basis.substr(8)), 1u);
      }
    } else if (type == "assistance.decided") {
      fresh("decision_id");
      s.decisions.insert(d["decision_id"].get<std::string>());
    } else if (type == "payment.made") {
      need(s.decisions, "decision_id");
    } else if (type == "condition.set") {
      need(s.decisions, "decision_id");
      fresh("condition_id");
      s.conditions.insert(d["condition_id"].get<std::string>());
    } else if (type == "condition.exempted") {
      need(s.decisions, "decision_id");
      fresh("exemption_id");
    } else if (type == "condition.breached") {
      need(s.conditions, "condition_id");
      fresh("breach_id");
      s.breaches.insert(d["breach_id"].get<std::string>());
    } else if (type == "breach.notified" || type == "breach.assessed") {
      need(s.breaches, "breach_id");
    } else if (type == "sanction.imposed") {
      need(s.breaches, "breach_id");
      need(s.decisions, "basis_decision_id");
      fresh("sanction_id");
      s.sanctions.insert(d["sanction_id"].get<std::string>());
    } else if (type == "sanction.lifted" || type == "sanction.appealed" ||
               type == "appeal.decided") {
      need(s.sanctions, "sanction_id");
    } else if (type == "category.assigned") {
      ASSERT_GE(d["category"].get<int>(), 1);
      ASSERT_LE(d["category"].get<int>(), 4);
    } else if (type == "agreement.signed") {
      fresh("agreement_id");
      ASSERT_GE(d["problems"].size(), 1u);
      ASSERT_LE(d["problems"].size(), 3u) << where;
      auto& [problems, tasks] = s.agreements[d["agreement_id"]];
      for (const auto& p : d["problems"]) ASSERT_TRUE(problems.insert(p["problem_id"]).second);
      for (const auto& t : d["tasks"]) {
        ASSERT_EQ(problems.count(t["problem_id"].get<std::string>()), 1u) << where;
        ASSERT_TRUE(tasks.insert(t["task_id"]).second);
        ASSERT_GT(DateDays(t["due"].get<std::string>()), DateDays(d["start"].get<std::string>()));
      }
      ASSERT_LT(DateDays(d["start"].get<std::string>()), DateDays(d["end"].get<std::string>()));
    } else if (type == "agreement.task_reviewed" || type == "agreement.problem_evaluated" ||
               type == "agreement.closed") {
      const std::string id = d["agreement_id"];
      ASSERT_EQ(s.agreements.count(id), 1u) << where;
      ASSERT_EQ(s.closed_agreements.count(id), 0u) << "closed agreement touched: " << where;
      if (type == "agreement.task_reviewed") need(s.agreements[id].second, "task_id");
      if (type == "agreement.problem_evaluated") need(s.agreements[id].first, "problem_id");
      if (type == "agreement.closed") s.closed_agreements.insert(id);
    }
  }
  EXPECT_EQ(streams.size(), 428u);
}

// ---- Shape ----

TEST_F(DefaultCohortTest, CountsOfEachKindArePlausible) {
  std::map<std::string, int> count;
  for (const Json& e : *events_) ++count[e["type"].get<std::string>()];
  EXPECT_EQ(count["case.opened"], 428);
  EXPECT_EQ(count["referral.made"], 428);
  EXPECT_GT(count["case.closed"], 300);
  EXPECT_GT(count["case.reopened"], 20);
  EXPECT_GT(count["payment.made"], 428 * 6);
  EXPECT_GT(count["course.enrolled"], 300);
  EXPECT_EQ(count["course.enrolled"], count["course.ended"]);
  EXPECT_LE(count["course.attended"], 8 * count["course.enrolled"]);
  EXPECT_GT(count["course.attended"], 6 * count["course.enrolled"]);
  EXPECT_GT(count["sanction.imposed"], 20);
  EXPECT_GT(count["condition.exempted"], 0);
  EXPECT_GT(count["consent.refused"], 0);
  EXPECT_GT(count["consent.renewed"], 50);
  EXPECT_GT(count["sanction.appealed"], 0);
  EXPECT_EQ(count["sanction.appealed"], count["appeal.decided"]);
  EXPECT_GT(count["agreement.signed"], 400);
  EXPECT_GT(count["status.observed"], 428 * 8);
  // About 5 % withdraw their consent.
  EXPECT_GE(count["consent.withdrawn"], 428 * 2 / 100);
  EXPECT_LE(count["consent.withdrawn"], 428 * 9 / 100);
}

TEST_F(DefaultCohortTest, FollowUpCategoriesAndSexFollowTheReports) {
  std::map<int, int> categories;
  int male = 0, opened = 0;
  for (const Json& e : *events_) {
    if (e["type"] == "category.assigned") ++categories[e["data"]["category"].get<int>()];
    if (e["type"] == "case.opened") {
      ++opened;
      male += e["data"]["sex"] == "male";
    }
  }
  int assigned = 0;
  for (auto [c, n] : categories) assigned += n;
  ASSERT_GT(assigned, 300);
  // Categories 1 and 3 about 35 % each, 2 and 4 about 15 %.
  EXPECT_NEAR(categories[1] * 1.0 / assigned, 0.35, 0.08);
  EXPECT_NEAR(categories[2] * 1.0 / assigned, 0.15, 0.06);
  EXPECT_NEAR(categories[3] * 1.0 / assigned, 0.35, 0.08);
  EXPECT_NEAR(categories[4] * 1.0 / assigned, 0.15, 0.06);
  EXPECT_NEAR(male * 1.0 / opened, 0.55, 0.07);
}

// Paid months h months after the intake month: many leave assistance, the willing faster.
TEST_F(DefaultCohortTest, AssistanceFallsOffOverTimeFasterForTheWilling) {
  std::map<std::string, int64_t> intake_month;
  std::map<std::string, int> category;
  std::map<std::string, std::set<int64_t>> paid;
  for (const Json& e : *events_) {
    const std::string stream = e["stream"];
    if (e["type"] == "case.opened") {
      intake_month[stream] = MonthNumber(e["data"]["intake_date"].get<std::string>());
    } else if (e["type"] == "category.assigned") {
      category[stream] = e["data"]["category"];
    } else if (e["type"] == "payment.made") {
      paid[stream].insert(MonthNumber(e["data"]["month"].get<std::string>()));
    }
  }
  const int64_t last_month = 2010 * 12 + 11;
  auto share_paid = [&](int h, int only_category) {
    int followed = 0, with_payment = 0;
    for (const auto& [stream, month] : intake_month) {
      if (month + h > last_month) continue;
      if (only_category != 0 && category[stream] != only_category) continue;
      ++followed;
      with_payment += paid[stream].count(month + h);
    }
    return followed == 0 ? 0.0 : with_payment * 1.0 / followed;
  };
  const double m1 = share_paid(1, 0), m6 = share_paid(6, 0), m12 = share_paid(12, 0),
               m24 = share_paid(24, 0);
  EXPECT_GT(m1, 0.85);
  EXPECT_LT(m6, m1);
  EXPECT_LE(m12, 0.6 * m1);  // about half off assistance after a year
  EXPECT_GT(m12, 0.25);
  EXPECT_LT(m24, m12);  // and more after two
  EXPECT_LT(share_paid(12, 1), share_paid(12, 2));
  EXPECT_LT(share_paid(12, 3), share_paid(12, 4));
}

// Follow-up continues after closing: status observations after case.closed.
TEST_F(DefaultCohortTest, StatusIsObservedAfterClosingAndLeaversMostlyWorkOrStudy) {
  std::set<std::string> closed;
  std::map<std::string, int> after_closing;
  std::map<std::string, int> reasons;
  for (const Json& e : *events_) {
    const std::string stream = e["stream"];
    if (e["type"] == "case.closed") {
      closed.insert(stream);
      ++reasons[e["data"]["reason"].get<std::string>()];
    } else if (e["type"] == "case.reopened") {
      closed.erase(stream);
    } else if (e["type"] == "status.observed" && closed.count(stream)) {
      ++after_closing[e["data"]["status"].get<std::string>()];
    }
  }
  int total = 0, working_or_studying = 0;
  for (const auto& [status, n] : after_closing) {
    total += n;
    if (status == "work_full" || status == "work_part" || status == "education") {
      working_or_studying += n;
    }
  }
  ASSERT_GT(total, 300);
  EXPECT_GT(working_or_studying * 1.0 / total, 0.5);
  int all_reasons = 0;
  for (const auto& [reason, n] : reasons) all_reasons += n;
  EXPECT_GT((reasons["work"] + reasons["education"]) * 1.0 / all_reasons, 0.5);
}

// The compliance checks need both the rule and a few exceptions to find.
TEST_F(DefaultCohortTest, AgreementsAreMostlyWithinThreeMonthsWithAFewExceptions) {
  int agreements = 0, long_with_reason = 0, long_without = 0;
  for (const Json& e : *events_) {
    if (e["type"] != "agreement.signed") continue;
    ++agreements;
    const std::string start = e["data"]["start"], end = e["data"]["end"];
    if (DateDays(end) > PlusThreeMonths(start)) {
      (e["data"].contains("extension_reason") ? long_with_reason : long_without) += 1;
    }
  }
  ASSERT_GT(agreements, 0);
  EXPECT_GT(long_with_reason, 0);
  EXPECT_GT(long_without, 0);
  EXPECT_LT((long_with_reason + long_without) * 1.0 / agreements, 0.15);
}

}  // namespace
}  // namespace ledger::synth
