// Anonymised releases (release/release.h) of a synthetic cohort: what an export refuses, what it
// leaves out, and that the evaluator's replay reproduces the ledger's outcomes.
#include "release/release.h"

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
#include "exclusion.h"
#include "export_and_publish.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "pseudonyms.h"
#include "replay/event_view.h"
#include "replay/report_run.h"
#include "synth/cohort_generator.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;
using testing::ReplayTestLog;

using ledger::testing::ReadWholeFile;

// The quoted pseudonyms with `prefix` in `text`: "<prefix>" and 16 base32 characters.
std::set<std::string> Pseudonyms(const std::string& text, char prefix) {
  std::set<std::string> out;
  for (size_t at = text.find(std::string("\"") + prefix); at != std::string::npos;
       at = text.find(std::string("\"") + prefix, at + 1)) {
    if (at + 19 > text.size() || text[at + 18] != '"') continue;
    const std::string body = text.substr(at + 2, 16);
    const bool base32 = std::all_of(body.begin(), body.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
    });
    if (base32) out.insert(text.substr(at, 19));
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `text` holds dddd-dd-dd anywhere.
bool HasIsoDate(const std::string& text) {
  for (size_t i = 0; i + 10 <= text.size(); ++i) {
    bool date = true;
    for (size_t k = 0; k < 10 && date; ++k) {
      date = (k == 4 || k == 7) ? text[i + k] == '-' : IsDigit(text[i + k]);
    }
    if (date) return true;
  }
  return false;
}

// Whether `text` holds a run of exactly `n` digits between non-word characters.
bool HasDigitRunOf(const std::string& text, size_t n) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < text.size();) {
    if (!word(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool digits = true;
    for (; j < text.size() && word(text[j]); ++j) digits = digits && IsDigit(text[j]);
    if (digits && j - i == n) return true;
    i = j;
  }
  return false;
}

class ReleaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = new ReplayTestLog();
    personal_ = new std::set<std::string>();
    synth::CohortOptions options;
    options.participants = 300;
    options.seed = 7;
    std::vector<SignedEvent> batch;
    std::string error = synth::GenerateCohort(options, [&](std::string_view line) {
      auto j = nlohmann::json::parse(line);
      if (j.contains("personal")) {
        for (const auto& [field, value] : j["personal"].items()) {
          personal_->insert(value.get<std::string>());
        }
      }
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
    Approve("r1", "2099-01-01T00:00:00Z");
    Approve("r2", "2099-01-01T00:00:00Z");
    Approve("old", "2020-01-01T00:00:00Z");
  }
  static void TearDownTestSuite() {
    delete log_;
    delete personal_;
  }

  static void Approve(const std::string& id, const std::string& expires) {
    AppendReleaseEvent("release.approved", {{"release_id", id},
                                            {"recipient_org", "ramboll"},
                                            {"purpose", "evaluation"},
                                            {"basis", "GDPR:6(1)(e)"},
                                            {"expires_at", expires}});
  }
  // An event of the `releases` stream by the dpo, appended now.
  static void AppendReleaseEvent(const std::string& type, const nlohmann::json& data) {
    auto e =
        SignEventJson(ReleaseEventJson("dpo", type, "GDPR:6(1)(e)", data.dump()), log_->Key("dpo"));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ASSERT_TRUE(log_->ledger().log().Append(*e).ok());
  }

  void SetUp() override { dir_ = temp_.path(); }

  static ExportParams Params(const std::string& id) {
    ExportParams p;
    p.release_id = id;
    p.intake_from = CivilDate{2008, 1, 1};
    p.intake_to = CivilDate{2008, 12, 31};
    p.as_of = CivilDate{2010, 12, 31};
    return p;
  }

  // Exports and publishes into dir_/name.
  ExportSummary ExportTo(const ExportParams& p, const std::string& name) {
    return release_testing::ExportAndPublish(*log_, p, dir_ / name);
  }

  std::string VKey() const { return log_->ledger_key().verifier().ToString(); }

  static ReplayTestLog* log_;
  static std::set<std::string>* personal_;
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};
ReplayTestLog* ReleaseTest::log_ = nullptr;
std::set<std::string>* ReleaseTest::personal_ = nullptr;

TEST_F(ReleaseTest, WithoutApprovalOrAfterExpiryNothingIsWritten) {
  const fs::path out = dir_ / "out";
  auto none = Export(log_->ledger(), log_->master_key(), log_->ledger_key(), Params("nope"),
                     out.string(), NowMicros());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound) << none.status().ToString();
  auto expired = Export(log_->ledger(), log_->master_key(), log_->ledger_key(), Params("old"),
                        out.string(), NowMicros());
  EXPECT_EQ(expired.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_)) << "an output or a staging directory was left";
}

TEST_F(ReleaseTest, BadParametersAreNamed) {
  ExportParams p = Params("r1");
  p.horizons = {6, 7};
  EXPECT_NE(ValidateExportParams(p).message().find("--horizons"), std::string::npos);
  p = Params("r1");
  p.as_of = CivilDate{2010, 12, 30};
  EXPECT_NE(ValidateExportParams(p).message().find("--as-of"), std::string::npos);
  p = Params("r1");
  p.k = 1;
  EXPECT_NE(ValidateExportParams(p).message().find("--k"), std::string::npos);
}

// With LKC-privacy measured only (--lkc-l 0) nothing is suppressed: the release's outcomes are
// the ledger's own for the same people, each followed as persons.csv says (followed_months after
// the intake month, to the end of that month). (With suppression: privacy_test.cc,
// OutcomesMovedIsMeasured.)
TEST_F(ReleaseTest, ReplayEqualsTheLedgersOutcomesForTheSamePeople) {
  ExportParams params = Params("r1");
  params.lkc_l = 0;
  const ExportSummary s = ExportTo(params, "r1");
  ASSERT_GT(s.persons, 150u);
  EXPECT_TRUE(s.disagreements.empty()) << s.disagreements.front();
  EXPECT_EQ(s.events_suppressed, 0u);
  auto opened = OpenRelease((dir_ / "r1").string(), {VKey()});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  replay::OutcomesOptions options;
  options.horizons = {6, 12, 24};
  auto ours = ReleaseOutcomes(*opened, options);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();

  // The ledger's own outcomes for the people released, independently of the exporter: map each
  // ledger subject to its pseudonym and keep those in persons.csv, each up to the end of the
  // month followed_months after their real intake month.
  Pseudonymizer names(DeriveReleaseKey(log_->master_key(), "r1"));
  std::map<std::string, int> followed;  // pseudonym -> followed_months
  for (const ReleasePerson& p : opened->persons) followed[p.person] = p.followed_months;
  struct End {
    int64_t day = 0;
    int32_t month = 0;  // year * 12 + month - 1
  };
  class Only final : public replay::Projection {
   public:
    Only(replay::Projection* inner, const std::map<std::string, End>* ends)
        : inner_(inner), ends_(ends) {}
    std::string_view name() const override { return inner_->name(); }
    uint32_t version() const override { return inner_->version(); }
    void Apply(const replay::EventView& e) override {
      auto end = ends_->find(std::string(e.subject()));
      if (end == ends_->end()) return;
      const CivilDate day = replay::ReportZone::EuropeOslo().DateAt(e.occurred_at_us());
      if (DaysFromCivil(day) > end->second.day) return;
      if (e.type() == replay::EventType::PAYMENT_MADE) {
        auto m = ParseMonth(std::string_view(e.data().getPaymentMade().getMonth().cStr()));
        if (m.ok() && m->year * 12 + m->month - 1 > end->second.month) return;
      }
      inner_->Apply(e);
    }
    void Reset() override { inner_->Reset(); }
    std::string Serialize() const override { return inner_->Serialize(); }
    Status Restore(std::string_view b) override { return inner_->Restore(b); }

   private:
    replay::Projection* inner_;
    const std::map<std::string, End>* ends_;
  };
  std::map<std::string, End> ends;
  replay::OutcomesProjection::FollowUpEnds follow_up_ends;
  for (auto it = log_->ledger().log().Scan(0); it->Valid(); it->Next()) {
    auto text = EventJsonFromCanonical(it->entry().event);
    ASSERT_TRUE(text.ok());
    auto j = nlohmann::json::parse(*text);
    if (j["type"] != "case.opened") continue;
    auto f = followed.find(names.Person(j["subject"].get<std::string>()));
    if (f == followed.end()) continue;
    auto intake = ParseDate(j["data"]["intake_date"].get<std::string>());
    ASSERT_TRUE(intake.ok());
    const int32_t month = intake->year * 12 + intake->month - 1 + f->second;
    const CivilDate end{month / 12, month % 12 + 1, DaysInMonth(month / 12, month % 12 + 1)};
    ends[j["subject"]] = End{DaysFromCivil(end), month};
    follow_up_ends.emplace(j["subject"].get<std::string>(), end);
  }
  ASSERT_EQ(ends.size(), followed.size());
  replay::OutcomesProjection projection;
  Only only(&projection, &ends);
  replay::ReportMoment moment;
  moment.as_of = CivilDate{2010, 12, 31};
  auto run = replay::ReplayForReport(log_->ledger(), moment, {&only});
  ASSERT_TRUE(run.ok());
  const replay::OutcomesReport theirs =
      projection.Report(run->at, run->log, options, &follow_up_ends);

  const replay::OutcomeGroup& a = theirs.groups.front();
  const replay::OutcomeGroup& b = ours->groups.front();
  EXPECT_EQ(a.cohort, b.cohort);
  ASSERT_EQ(a.horizons.size(), b.horizons.size());
  for (size_t i = 0; i < a.horizons.size(); ++i) {
    SCOPED_TRACE("horizon " + std::to_string(a.horizons[i].months));
    EXPECT_EQ(a.horizons[i].followed, b.horizons[i].followed);
    EXPECT_EQ(a.horizons[i].status, b.horizons[i].status);
    EXPECT_EQ(a.horizons[i].work_or_education, b.horizons[i].work_or_education);
    EXPECT_EQ(a.horizons[i].any_activity, b.horizons[i].any_activity);
    EXPECT_EQ(a.horizons[i].off_assistance, b.horizons[i].off_assistance);
    EXPECT_EQ(a.horizons[i].assistance_main_income, b.horizons[i].assistance_main_income);
    EXPECT_EQ(a.horizons[i].supplementary_only, b.horizons[i].supplementary_only);
  }
  EXPECT_EQ(a.survival.rows, b.survival.rows);
  EXPECT_EQ(a.survival.median_months, b.survival.median_months);
  EXPECT_EQ(a.exited, b.exited);
  EXPECT_EQ(a.reentered, b.reentered);
  // And the replay reproduces the report the manifest names, byte for byte.
  replay::OutcomesReport suppressed = *ours;
  replay::SuppressSmallCells(&suppressed, 5);
  auto json = nlohmann::json::parse(replay::OutcomesJson(suppressed));
  EXPECT_EQ(json["sha256"], opened->report_sha256);
  // Calendar years (O10-O11) are kept only when the intake month is released.
  auto manifest = nlohmann::json::parse(ReadWholeFile(dir_ / "r1" / "manifest.json"));
  if (manifest["generalisation"]["intake_period"] != "month") return;
  ASSERT_EQ(a.years.size(), b.years.size());
  for (size_t i = 0; i < a.years.size(); ++i) {
    EXPECT_EQ(a.years[i].recipients, b.years[i].recipients);
    EXPECT_EQ(a.years[i].paid_months, b.years[i].paid_months);
    EXPECT_EQ(a.years[i].grant_nok, b.years[i].grant_nok);
    EXPECT_EQ(a.years[i].loan_nok, b.years[i].loan_nok);
  }
}

TEST_F(ReleaseTest, PseudonymsDoNotLinkReleasesUnlessAsked) {
  ExportTo(Params("r1"), "a");
  ExportTo(Params("r2"), "b");
  ExportParams linked = Params("r2");
  linked.key_of_release = "r1";
  ExportTo(linked, "c");
  auto people = [&](const std::string& name) {
    auto r = OpenRelease((dir_ / name).string(), {VKey()});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::set<std::string> out;
    if (r.ok()) {
      for (const auto& p : r->persons) out.insert(p.person);
    }
    return out;
  };
  const auto a = people("a"), b = people("b"), c = people("c");
  ASSERT_FALSE(a.empty());
  for (const std::string& p : a) EXPECT_EQ(b.count(p), 0u) << p;
  EXPECT_EQ(a, c);
  // Actors and offices too.
  const std::set<std::string> actors_a =
      Pseudonyms(ReadWholeFile(dir_ / "a" / "events.jsonl"), 'w');
  const std::set<std::string> actors_b =
      Pseudonyms(ReadWholeFile(dir_ / "b" / "events.jsonl"), 'w');
  ASSERT_FALSE(actors_a.empty());
  for (const std::string& w : actors_a) EXPECT_EQ(actors_b.count(w), 0u) << w;
}

TEST_F(ReleaseTest, NoPersonalValueDateLedgerIdOrSubjectInTheFiles) {
  ExportTo(Params("r1"), "r1");
  std::string all;
  for (const char* f : {"events.jsonl", "persons.csv", "manifest.json", "manifest.sig"}) {
    all += ReadWholeFile(dir_ / "r1" / f);
  }
  // No calendar date, and no national identity number.
  EXPECT_FALSE(HasIsoDate(all));
  EXPECT_FALSE(HasDigitRunOf(all, 11));
  // Every value in the files: JSON strings, CSV cells, and the words of each.
  std::set<std::string> tokens;
  std::string token;
  for (char c : all) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
        c == '.' || c == '@') {
      token.push_back(c);
    } else {
      if (!token.empty()) tokens.insert(token);
      token.clear();
    }
  }
  ASSERT_FALSE(personal_->empty());
  for (const std::string& v : *personal_) {
    // A value is found whole, or as one of its words (a name's parts).
    EXPECT_EQ(tokens.count(v), 0u) << "personal value " << v;
    std::istringstream words(v);
    for (std::string w; words >> w;) {
      if (w.size() >= 4) {
        EXPECT_EQ(tokens.count(w), 0u) << "part of personal value " << v;
      }
    }
  }
  // No event id, subject, actor or id chosen by a writer.
  size_t checked = 0;
  for (auto it = log_->ledger().log().Scan(0); it->Valid(); it->Next()) {
    auto text = EventJsonFromCanonical(it->entry().event);
    ASSERT_TRUE(text.ok());
    auto j = nlohmann::json::parse(*text);
    // The release's own id is shared on purpose; every id of the case streams must not be.
    if (!j["stream"].get<std::string>().starts_with("case/")) continue;
    std::vector<std::string> ids = {j["id"].get<std::string>(),
                                    j["actor"]["id"].get<std::string>()};
    if (j.contains("subject")) ids.push_back(j["subject"].get<std::string>());
    for (const auto& [k, v] : j["data"].items()) {
      if (v.is_string() && (k.ends_with("_id") || k == "office"))
        ids.push_back(v.get<std::string>());
    }
    for (const std::string& id : ids) {
      ASSERT_EQ(tokens.count(id), 0u) << id;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10000u);
}

TEST_F(ReleaseTest, EveryClassOfQuasiIdentifiersHasAtLeastK) {
  ExportParams p = Params("r1");
  p.k = 8;
  const ExportSummary s = ExportTo(p, "r1");
  auto opened = OpenRelease((dir_ / "r1").string(), {VKey()});
  ASSERT_TRUE(opened.ok());
  std::map<std::string, int> classes;
  for (const ReleasePerson& r : opened->persons) {
    ++classes[r.sex + "|" + r.age_band + "|" + r.municipality + "|" + r.intake_period];
  }
  for (const auto& [key, n] : classes) EXPECT_GE(n, 8) << key;
  EXPECT_EQ(s.persons + s.suppressed + s.excluded.erased + s.excluded.objected +
                s.excluded.restricted + s.excluded.no_consent,
            s.cohort);
}

TEST_F(ReleaseTest, TamperingOrAnotherKeyFailsTheReplay) {
  ExportTo(Params("r1"), "r1");
  const fs::path r = dir_ / "r1";
  ASSERT_TRUE(OpenRelease(r.string(), {VKey()}).ok());

  auto other = SigningKey::Generate("someone.else/ledger");
  auto wrong = OpenRelease(r.string(), {other->verifier().ToString()});
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied) << wrong.status().ToString();

  std::string events = ReadWholeFile(r / "events.jsonl");
  const std::string original = events;
  events[events.find("\"day\":") + 6] = events[events.find("\"day\":") + 6] == '1' ? '2' : '1';
  std::ofstream(r / "events.jsonl", std::ios::binary | std::ios::trunc) << events;
  auto tampered = OpenRelease(r.string(), {VKey()});
  EXPECT_EQ(tampered.status().code(), StatusCode::kCorruption);
  EXPECT_NE(tampered.status().message().find("events.jsonl"), std::string::npos);
  std::ofstream(r / "events.jsonl", std::ios::binary | std::ios::trunc) << original;

  std::string manifest = ReadWholeFile(r / "manifest.json");
  manifest.replace(manifest.find("\"k\": 5"), 6, "\"k\": 2");
  std::ofstream(r / "manifest.json", std::ios::binary | std::ios::trunc) << manifest;
  auto changed = OpenRelease(r.string(), {VKey()});
  EXPECT_EQ(changed.status().code(), StatusCode::kCorruption);
  EXPECT_NE(changed.status().message().find("manifest"), std::string::npos);
}

TEST_F(ReleaseTest, AnExistingOutputIsNeverOverwritten) {
  fs::create_directories(dir_ / "full");
  std::ofstream(dir_ / "full" / "x") << "keep";
  auto s = Export(log_->ledger(), log_->master_key(), log_->ledger_key(), Params("r1"),
                  (dir_ / "full").string(), NowMicros());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadWholeFile(dir_ / "full" / "x"), "keep");
}

TEST_F(ReleaseTest, OnlyARecordedManifestWithAnApprovalInForceIsPublished) {
  const fs::path releases = dir_ / "releases";
  // Nothing published yet: not found, and an empty list.
  EXPECT_EQ(FindPublished(log_->ledger(), releases.string(), "r2", NowMicros()).status().code(),
            StatusCode::kNotFound);
  auto none = ListPublished(log_->ledger(), releases.string(), NowMicros());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  // Exported and published, but not recorded in the ledger: not handed out.
  ExportSummary s = ExportTo(Params("r2"), "releases/r2");
  auto unrecorded = FindPublished(log_->ledger(), releases.string(), "r2", NowMicros());
  EXPECT_EQ(unrecorded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unrecorded.status().message().find("not one the ledger recorded"), std::string::npos)
      << unrecorded.status().ToString();

  // Recorded: found, with every file the evaluator needs and their sizes.
  AppendReleaseEvent("release.exported", nlohmann::json::parse(ExportedEventData(s)));
  auto found = FindPublished(log_->ledger(), releases.string(), "r2", NowMicros());
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->manifest_sha256, s.manifest_sha256);
  EXPECT_EQ(found->approval.recipient_org, "ramboll");
  std::vector<std::string> names;
  for (const auto& f : found->files) {
    names.push_back(f.name);
    EXPECT_EQ(fs::file_size(f.path), f.bytes) << f.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"manifest.json", "manifest.sig", "events.jsonl",
                                             "persons.csv"}));
  auto listed = ListPublished(log_->ledger(), releases.string(), NowMicros());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().approval.release_id, "r2");

  // After the approval's expiry it is no longer handed out, nor listed.
  const int64_t later = ParseInstantMicros("2099-01-02T00:00:00Z").value();
  EXPECT_EQ(FindPublished(log_->ledger(), releases.string(), "r2", later).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ListPublished(log_->ledger(), releases.string(), later)->empty());

  // A manifest changed after the export is not the recorded one.
  {
    std::ofstream m(releases / "r2" / "manifest.json", std::ios::app);
    m << " ";
  }
  EXPECT_EQ(FindPublished(log_->ledger(), releases.string(), "r2", NowMicros()).status().code(),
            StatusCode::kFailedPrecondition);
  // Ids that could leave the directory are not release ids.
  EXPECT_EQ(FindPublished(log_->ledger(), releases.string(), "..", NowMicros()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(ValidReleaseId("a/b"));
  EXPECT_FALSE(ValidReleaseId(".hidden"));
  EXPECT_TRUE(ValidReleaseId("eval-2011.v2"));
}

// The exclusion reasons' names are the manifest's counts.excluded keys (docs/formats.md): each
// reason has its own, each name reads back to its reason, and each reason counts in its own
// ExclusionCounts field.
TEST(ExclusionReasonTest, NamesAreTheManifestKeysAndRoundTrip) {
  using internal::ExclusionReason;
  const std::map<ExclusionReason, std::string> keys = {{ExclusionReason::kNoConsent, "no_consent"},
                                                       {ExclusionReason::kObjected, "objected"},
                                                       {ExclusionReason::kRestricted, "restricted"},
                                                       {ExclusionReason::kErased, "erased"}};
  ASSERT_EQ(internal::kExclusionReasons.size(), keys.size());
  for (ExclusionReason reason : internal::kExclusionReasons) {
    EXPECT_EQ(internal::ExclusionName(reason), keys.at(reason));
    EXPECT_EQ(internal::ExclusionNamed(internal::ExclusionName(reason)), reason);
  }
  EXPECT_EQ(internal::ExclusionName(ExclusionReason::kNone), "");
  EXPECT_EQ(internal::ExclusionNamed(""), std::nullopt);
  EXPECT_EQ(internal::ExclusionNamed("shredded"), std::nullopt);

  ExclusionCounts counts;
  uint64_t n = 0;
  for (ExclusionReason reason : internal::kExclusionReasons) {
    internal::CountOf(counts, reason) += ++n;
  }
  EXPECT_EQ(counts.no_consent, 1u);
  EXPECT_EQ(counts.objected, 2u);
  EXPECT_EQ(counts.restricted, 3u);
  EXPECT_EQ(counts.erased, 4u);
  const ExclusionCounts& read = counts;
  EXPECT_EQ(internal::CountOf(read, ExclusionReason::kRestricted), 3u);
  EXPECT_EQ(internal::CountOf(read, ExclusionReason::kNone), 0u);
}

}  // namespace
}  // namespace ledger::release
