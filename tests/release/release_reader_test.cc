// The evaluator's reader of a release (OpenRelease, ReleaseOutcomes) on hostile files, signed or
// not (issue 13, finding 5): every one is refused with a Status naming the file, the line and
// the field, never a crash or an escaping exception. The releases are small and made here
// (signed_release.h); release_test.cc exports real ones.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "../temp_dir.h"
#include "ledger/signing_key.h"
#include "release/release.h"
#include "signed_release.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;
using release_testing::NestedLine;
using release_testing::SignedRelease;

class ReleaseReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    auto key = SigningKey::Generate("reader.test/ledger");
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<SigningKey>(std::move(*key));
  }

  std::string VKey() const { return key_->verifier().ToString(); }

  // Opens `r` as written into dir_; the status of opening it or, if it opens, of replaying it.
  Status OpenAndReplay(SignedRelease& r) {
    r.Write(dir_, *key_);
    auto opened = OpenRelease(dir_.string(), {VKey()});
    if (!opened.ok()) return opened.status();
    replay::OutcomesOptions options;
    options.horizons = opened->horizons;
    auto report = ReleaseOutcomes(*opened, options);
    return report.status();
  }

  testing::TempDir temp_;  // the path only: each test makes what it needs there
  fs::path dir_;
  std::unique_ptr<SigningKey> key_;
};

// The message holds every one of `parts`.
::testing::AssertionResult Names(const Status& s, std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) {
    if (s.message().find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << s.ToString() << "\n  does not name: " << part;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ReleaseReaderTest, TheSeedReleasesOpenAndReplay) {
  // The fuzz seeds are valid releases: the mutations start from inputs that reach the report.
  for (const char* seed : {"one_person", "every_type", "generalised", "short"}) {
    SignedRelease r = SignedRelease::FromSeed(seed);
    r.Write(dir_, *key_);
    auto opened = OpenRelease(dir_.string(), {VKey()});
    ASSERT_TRUE(opened.ok()) << seed << ": " << opened.status().ToString();
    replay::OutcomesOptions options;
    options.horizons = opened->horizons;
    auto report = ReleaseOutcomes(*opened, options);
    ASSERT_TRUE(report.ok()) << seed << ": " << report.status().ToString();
    EXPECT_EQ(report->log.size, r.events.size()) << seed;
    fs::remove_all(dir_);
  }
}

TEST_F(ReleaseReaderTest, AManifestWithANumberForFormatIsRefusedBeforeItIsParsed) {
  // Not re-signed: the manifest's hash is compared with the signed one before any parse.
  SignedRelease r = SignedRelease::FromSeed();
  r.Write(dir_, *key_);
  r.sign = false;
  r.manifest["format"] = 5;
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"manifest.json", "the signature covers"}));
}

TEST_F(ReleaseReaderTest, ASignedManifestWithANumberForFormatIsRefused) {
  SignedRelease r = SignedRelease::FromSeed();
  r.manifest["format"] = 5;
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"manifest.json: format: not a string"}));
}

TEST_F(ReleaseReaderTest, EveryMemberOfTheManifestIsTypeChecked) {
  // One member of each kind given a value of another type: each refusal names its path.
  const std::vector<std::pair<nlohmann::json::json_pointer, std::string>> cases = {
      {nlohmann::json::json_pointer("/release_id"), "release_id"},
      {nlohmann::json::json_pointer("/cohort/as_of_month"), "cohort.as_of_month"},
      {nlohmann::json::json_pointer("/horizons"), "horizons"},
      {nlohmann::json::json_pointer("/horizons/1"), "horizons[1]"},
      {nlohmann::json::json_pointer("/privacy/k"), "privacy.k"},
      {nlohmann::json::json_pointer("/counts/events"), "counts.events"},
      {nlohmann::json::json_pointer("/counts/excluded"), "counts.excluded"},
      {nlohmann::json::json_pointer("/risk/max_risk"), "risk.max_risk"},
      {nlohmann::json::json_pointer("/outcomes_report_sha256"), "outcomes_report_sha256"},
  };
  for (const auto& [pointer, path] : cases) {
    for (const nlohmann::ordered_json& wrong :
         {nlohmann::ordered_json(nullptr), nlohmann::ordered_json(true),
          nlohmann::ordered_json(5.5), nlohmann::ordered_json::array()}) {
      SignedRelease r = SignedRelease::FromSeed();
      r.manifest[nlohmann::ordered_json::json_pointer(pointer.to_string())] = wrong;
      Status s = OpenAndReplay(r);
      EXPECT_EQ(s.code(), StatusCode::kCorruption) << path << " = " << wrong.dump();
      EXPECT_TRUE(Names(s, {"manifest.json: " + path + ":"})) << wrong.dump();
      fs::remove_all(dir_);
    }
  }
}

TEST_F(ReleaseReaderTest, ASignedSmallCellThresholdOfMinusOneIsRefused) {
  SignedRelease r = SignedRelease::FromSeed();
  r.manifest["privacy"]["small_cell_threshold"] = -1;
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"manifest.json: privacy.small_cell_threshold: -1",
                        "not what an export accepts", "--small-cells: 1 to 1000"}));
}

TEST_F(ReleaseReaderTest, EveryParameterOutsideWhatExportAcceptsIsRefused) {
  struct Case {
    std::string pointer;
    nlohmann::ordered_json value;
    std::string named;
  };
  const std::vector<Case> cases = {
      {"/privacy/k", 1, "privacy.k: 1"},
      {"/privacy/k", 1001, "privacy.k: 1001"},
      {"/privacy/small_cell_threshold", 0, "privacy.small_cell_threshold: 0"},
      {"/privacy/time_unit_days", 0, "privacy.time_unit_days: 0"},
      {"/privacy/time_unit_days", 367, "privacy.time_unit_days: 367"},
      {"/privacy/max_suppressed_permille", 1001, "privacy.max_suppressed_permille: 1001"},
      {"/privacy/max_suppressed_permille", -1, "privacy.max_suppressed_permille: -1"},
      {"/horizons", {6, 7}, "horizons: [6,7]"},
      {"/horizons", {2}, "horizons: [2]"},
      {"/horizons", {6, 12, 24, 36, 48, 60, 72, 84, 96}, "horizons: [6,12"},
      {"/cohort/age_min", 14, "cohort.age_min..age_max: 14..24"},
      {"/cohort/age_max", 100, "cohort.age_min..age_max: 18..100"},
      {"/cohort/intake_from_month", "2009-01", "cohort.intake_from_month..intake_to_month"},
      {"/privacy/k", 2147483648LL, "privacy.k: 2147483648 is not from"},
      {"/privacy/k", 18446744073709551615ULL, "privacy.k: 18446744073709551615 is not from"},
      {"/release_log/size", 1, "release_log.size: 1 is not counts.events"},
      {"/counts/cohort", 9, "counts.cohort: 9 is not persons + suppressed + excluded (1)"},
      {"/counts/persons", 0, "counts.persons: 0"},
      {"/counts/suppressed", -1, "counts.suppressed: -1 is not from 0"},
      {"/risk/max_risk", 1.5, "risk.max_risk: not from 0 to 1"},
      {"/projection/name", "caseload", "projection.name: caseload is not outcomes"},
      {"/cohort/as_of_month", "2010-13", "cohort.as_of_month:"},
      {"/privacy/lkc", {{"l", 4}, {"k", 5}, {"bucket_days", 91}}, "privacy.lkc.l: 4"},
      {"/privacy/lkc", {{"l", 2}, {"k", 1}, {"bucket_days", 91}}, "privacy.lkc.k: 1"},
      {"/privacy/lkc", {{"l", 2}, {"k", 5}, {"bucket_days", 6}}, "privacy.lkc.bucket_days: 6"},
      {"/privacy/lkc", {{"l", 2}, {"k", 5}}, "privacy.lkc.bucket_days: missing"},
  };
  for (const Case& c : cases) {
    SignedRelease r = SignedRelease::FromSeed();
    r.manifest[nlohmann::ordered_json::json_pointer(c.pointer)] = c.value;
    Status s = OpenAndReplay(r);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << c.pointer << " = " << c.value.dump();
    EXPECT_TRUE(Names(s, {"manifest.json: " + c.named})) << c.pointer;
    fs::remove_all(dir_);
  }
}

TEST_F(ReleaseReaderTest, ManifestJsonBeyondTheStrictParsersLimitsIsRefusedNamingLineAndColumn) {
  SignedRelease r = SignedRelease::FromSeed();
  r.Write(dir_, *key_);  // fills in the file list
  std::string text = r.manifest.dump(2) + "\n";
  // Nested 100 levels deep in a member the reader never looks at.
  text.insert(text.find("\"basis\""),
              "\"extra\": " + std::string(100, '[') + std::string(100, ']') + ",\n  ");
  r.manifest_text = text;
  r.list_files = false;
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"manifest.json: line 2, column ", "nesting deeper than 64 levels"}));

  r.manifest_text = r.manifest.dump(2);
  r.manifest_text.insert(r.manifest_text.find("\"basis\""), "\"basis\": \"x\", ");
  s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"manifest.json: line 2, column ", "basis: duplicate key"}));
}

TEST_F(ReleaseReaderTest, AFileListWithoutTheDataFilesOrWithAPathIsRefused) {
  SignedRelease r = SignedRelease::FromSeed();
  r.Write(dir_, *key_);
  r.list_files = false;
  r.manifest["files"].erase("events.jsonl");
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"manifest.json: files: events.jsonl is not listed"}));

  for (const char* name : {"../persons.csv", ".hidden", "manifest.sig", "a/b"}) {
    r.manifest["files"][name] = r.manifest["files"]["persons.csv"];
    s = OpenAndReplay(r);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << name;
    EXPECT_TRUE(Names(s, {"manifest.json: files: \"" + std::string(name) + "\" is not a file"}));
    r.manifest["files"].erase(name);
  }
}

TEST_F(ReleaseReaderTest, AFileTheManifestDoesNotListIsRefusedByName) {
  SignedRelease r = SignedRelease::FromSeed();
  r.extra_files["notes.txt"] = "not signed";
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"notes.txt: in the release directory but not listed in manifest.json"}));

  // A directory is no better than a file.
  fs::remove(dir_ / "notes.txt");
  fs::create_directory(dir_ / "more");
  auto opened = OpenRelease(dir_.string(), {VKey()});
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(opened.status(), {"more: in the release directory but not listed"}));
  fs::remove(dir_ / "more");
  EXPECT_TRUE(OpenRelease(dir_.string(), {VKey()}).ok());
}

TEST_F(ReleaseReaderTest, AListedFileThatIsNotARegularFileIsNotRead) {
  SignedRelease r = SignedRelease::FromSeed();
  r.Write(dir_, *key_);
  // A FIFO would block a reader forever; a link could point anywhere.
  fs::remove(dir_ / "events.jsonl");
  ASSERT_EQ(::mkfifo((dir_ / "events.jsonl").c_str(), 0600), 0);
  auto opened = OpenRelease(dir_.string(), {VKey()});
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(opened.status(), {"events.jsonl: not a regular file"}));
  fs::remove(dir_ / "events.jsonl");
  fs::create_symlink("/dev/zero", dir_ / "events.jsonl");
  opened = OpenRelease(dir_.string(), {VKey()});
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(opened.status(), {"events.jsonl: not a regular file"}));
}

TEST_F(ReleaseReaderTest, ADeeplyNestedEventLineIsRefusedByTheParserNamingLineAndColumn) {
  SignedRelease r = SignedRelease::FromSeed();
  const std::string person = r.events[0].substr(11, 17);
  ASSERT_EQ(r.events[0].substr(0, 11), "{\"person\":\"");
  // 64 levels of JSON pass the parser (the object and data are two of them) and are refused
  // after it, as a value of the wrong form...
  r.events.insert(r.events.begin() + 2, NestedLine(person, 62));
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"events.jsonl line 3: ", "data.phase"})) << "the line reached the codec";
  EXPECT_EQ(s.message().find("nesting"), std::string::npos) << s.ToString();
  // ...one more, or thirty thousand more (a line still under the length limit), are refused by
  // the parser, at the column where the 65th level opens: the 63rd '[' after "phase":.
  for (size_t depth : {63, 30'000}) {
    r.events[2] = NestedLine(person, depth);
    s = OpenAndReplay(r);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << depth;
    const size_t column = r.events[2].find("\"phase\":") + 8 + 62 + 1;
    EXPECT_TRUE(Names(s, {"events.jsonl line 3: column " + std::to_string(column) +
                          ": nesting deeper than 64 levels"}));
  }
}

TEST_F(ReleaseReaderTest, AnEventLineWithFieldsOfTheWrongTypeIsRefusedNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"person\":5", "person: required, a string"},
      {"\"person\":null", "person: required, a string"},
      {"\"person\":\"nobody\"", "person: nobody is not in persons.csv"},
      {"\"day\":\"1\"", "day: required, a whole number"},
      {"\"day\":18446744073709551615", "day: required, a whole number from -36500 to 36500"},
      {"\"day\":-9223372036854775808", "day: required, a whole number from -36500 to 36500"},
      {"\"day\":1.5", "day: required, a whole number"},
      {"\"type\":7", "type: required, a string"},
      {"\"type\":\"consent.given\"", "type: consent.given is not carried by releases"},
      {"\"data\":[]", "data: required, an object"},
      {"\"actor\":\"x\"", "actor: an object"},
      {"\"legal_basis\":{}", "legal_basis: an array"},
      {"\"stream\":\"case/x\"", "stream: not a field of a released event"},
  };
  for (const auto& [field, named] : cases) {
    SignedRelease r = SignedRelease::FromSeed();
    nlohmann::ordered_json line = nlohmann::ordered_json::parse(r.events[1]);
    auto member = nlohmann::ordered_json::parse("{" + field + "}");
    line[member.begin().key()] = member.begin().value();
    r.events[1] = line.dump();
    Status s = OpenAndReplay(r);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << field;
    EXPECT_TRUE(Names(s, {"events.jsonl line 2: " + named})) << field;
    fs::remove_all(dir_);
  }
}

TEST_F(ReleaseReaderTest, AReleasedDateOfTheWrongTypeOrRangeIsRefusedNamingTheField) {
  SignedRelease r = SignedRelease::FromSeed();
  size_t i = 0;
  while (r.events[i].find("\"type\":\"status.observed\"") == std::string::npos) ++i;
  for (const char* wrong : {"\"2008-01-01\"", "18446744073709551615", "36501"}) {
    nlohmann::ordered_json line = nlohmann::ordered_json::parse(r.events[i]);
    line["data"]["as_of"] = nlohmann::ordered_json::parse(wrong);
    SignedRelease changed = r;
    changed.events[i] = line.dump();
    Status s = OpenAndReplay(changed);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << wrong;
    EXPECT_TRUE(Names(s, {"events.jsonl line " + std::to_string(i + 1) + ": data.as_of: "}));
    fs::remove_all(dir_);
  }
}

TEST_F(ReleaseReaderTest, AnOverlongEventLineIsRefusedWhileItIsRead) {
  SignedRelease r = SignedRelease::FromSeed();
  r.events.insert(r.events.begin() + 4, std::string(100'000, ' '));
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(s, {"events.jsonl line 5: longer than 65536 bytes"}));
}

TEST_F(ReleaseReaderTest, MoreOrFewerEventsThanTheManifestSaysAreRefused) {
  SignedRelease r = SignedRelease::FromSeed();
  r.events.pop_back();
  Status s = OpenAndReplay(r);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(
      Names(s, {"events.jsonl: " + std::to_string(r.events.size()) + " events", "counts.events"}));
}

TEST_F(ReleaseReaderTest, PersonsCsvIsReadColumnByColumn) {
  const SignedRelease base = SignedRelease::FromSeed();
  const size_t row = base.persons.find('\n') + 1;
  const std::string header = base.persons.substr(0, row);
  const std::string person = base.persons.substr(row);
  auto with_cell = [&](size_t column, const std::string& value) {
    std::vector<std::string> cells;
    std::string line = person.substr(0, person.size() - 1);
    for (size_t start = 0;;) {
      const size_t comma = line.find(',', start);
      cells.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    cells[column] = value;
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    return header + out + "\n";
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"person,sex\n" + person, "persons.csv line 1: not the header"},
      {with_cell(0, ""), "persons.csv line 2: person: "},
      {with_cell(0, "p/../x"), "persons.csv line 2: person: "},
      {with_cell(1, "fe male"), "persons.csv line 2: sex: "},
      {with_cell(2, "old"), "persons.csv line 2: age_band: "},
      {with_cell(3, "oslo"), "persons.csv line 2: municipality: "},
      {with_cell(5, "2008-13"), "persons.csv line 2: anchor_month: "},
      {with_cell(5, "1066-10"), "persons.csv line 2: anchor_month: not a month (YYYY-MM)"},
      {with_cell(5, "\x1b[31m"), "persons.csv line 2: anchor_month: not a month (YYYY-MM)"},
      {with_cell(5, "2250-01"), "persons.csv line 2: anchor_month: not from 1900-01 to 2199-12"},
      {with_cell(6, "x"), "persons.csv line 2: followed_months: not a whole number"},
      {with_cell(6, "-1"), "persons.csv line 2: followed_months: -1 is not from 0 to 1200"},
      {with_cell(6, "99999999999"), "persons.csv line 2: followed_months: not a whole number"},
      {with_cell(7, "40"), "persons.csv line 2: end_month: must be followed_months or one"},
      {with_cell(9, "\x1b[31m"), "persons.csv line 2: paid_6: "},
      {header + person.substr(0, person.size() - 1) + ",extra\n",
       "persons.csv line 2: 18 columns, expected 17"},
      {header + person + person, "persons.csv: person p2e7gpr32tgzwzrbi is listed twice"},
      {header + std::string(5000, 'a') + "\n", "persons.csv line 2: longer than 4096 bytes"},
  };
  for (const auto& [csv, named] : cases) {
    SignedRelease r = base;
    r.persons = csv;
    Status s = OpenAndReplay(r);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << named;
    EXPECT_TRUE(Names(s, {named}));
    fs::remove_all(dir_);
  }
}

TEST_F(ReleaseReaderTest, AnotherKeysSignatureIsPermissionDeniedWhateverTheManifestHolds) {
  SignedRelease r = SignedRelease::FromSeed();
  r.manifest["format"] = 5;
  auto other = SigningKey::Generate("someone.else/ledger");
  ASSERT_TRUE(other.ok());
  r.Write(dir_, *other);
  auto opened = OpenRelease(dir_.string(), {VKey()});
  EXPECT_EQ(opened.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Names(opened.status(), {"manifest.sig: not signed by the given ledger key"}));
}

TEST_F(ReleaseReaderTest, ASignedTextForAnotherReleaseIdIsRefused) {
  SignedRelease r = SignedRelease::FromSeed();
  r.Write(dir_, *key_);
  // The signature names release "other", the manifest eval-2011.
  tlog::Note note;
  note.text = "ledger-release other\nmanifest-sha256 " +
              release_testing::Sha256Hex(r.manifest.dump(2) + "\n") + "\n";
  note.signatures.push_back(tlog::SignNoteEd25519(note.text, key_->name(), key_->seed()));
  SignedRelease::Put(dir_ / "manifest.sig", tlog::FormatNote(note));
  auto opened = OpenRelease(dir_.string(), {VKey()});
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(opened.status(), {"manifest.json: release_id: eval-2011 is not the release "
                                      "the signature names (other)"}));

  note.text = "something else\n";
  note.signatures = {tlog::SignNoteEd25519(note.text, key_->name(), key_->seed())};
  SignedRelease::Put(dir_ / "manifest.sig", tlog::FormatNote(note));
  opened = OpenRelease(dir_.string(), {VKey()});
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Names(opened.status(), {"manifest.sig: the signed text is not"}));
}

}  // namespace
}  // namespace ledger::release
