// JSON to canonical bytes and back, and every way an event's content is refused, with the
// field named.
#include "ledger/event_codec.h"

#include <gtest/gtest.h>

#include "test_events.h"

namespace ledger {
namespace {

using testing::CaseOpened;
using testing::MakeKey;

// Converts input JSON (plain personal) and returns the error message, or "" if accepted.
std::string Refusal(const nlohmann::json& j) {
  static const SigningKey key = MakeKey("k");
  auto r = SignEventJson(j.dump(), key);
  return r.ok() ? "" : r.status().message();
}

TEST(EventCodecTest, RoundTripKeepsEveryField) {
  auto key = MakeKey("k");
  nlohmann::json j = {
      {"id", "8f14e45f-ceea-4672-9a3b-9f1c6f0f2a11"},
      {"stream", "case/yabc"},
      {"type", "agreement.signed"},
      {"occurred_at", "2008-03-01T10:00:00+01:00"},
      {"subject", "yabc"},
      {"actor", {{"id", "cw-001"}, {"role", "caseworker"}}},
      {"legal_basis", {"NO:sotjl§17"}},
      {"causation_id", "8f14e45f-ceea-4672-9a3b-9f1c6f0f2a12"},
      {"data",
       {{"agreement_id", "a1"},
        {"start", "2008-03-01"},
        {"end", "2008-06-01"},
        {"problems", {{{"problem_id", "p1"}, {"domain", "housing"}}}},
        {"tasks",
         {{{"task_id", "t1"}, {"problem_id", "p1"}, {"responsible", "participant"},
           {"due", "2008-04-01"}}}}}},
  };
  auto e = SignEventJson(j.dump(), key);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto back = EventJsonFromCanonical(e->event);
  ASSERT_TRUE(back.ok());
  auto k = nlohmann::json::parse(*back);
  EXPECT_EQ(k["type"], "agreement.signed");
  EXPECT_EQ(k["schema_version"], 1);
  EXPECT_EQ(k["causation_id"], j["causation_id"]);
  EXPECT_EQ(k["data"], j["data"]);
  EXPECT_FALSE(k.contains("personal"));
  // The JSON form converts back to the same canonical bytes.
  auto again = CanonicalEventFromJson(*back);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, e->event);
}

TEST(EventCodecTest, PersonalValuesBecomeSaltedDigests) {
  auto key = MakeKey("k");
  auto a = SignEventJson(CaseOpened("yabc").dump(), key).value();
  auto b = SignEventJson(CaseOpened("yabc").dump(), key).value();
  ASSERT_EQ(a.disclosures.size(), 3u);
  for (const auto& d : a.disclosures) {
    EXPECT_EQ(d.salt.size(), 16u);
    EXPECT_EQ(a.event.find(d.value), std::string::npos) << d.field;
  }
  // Fresh salts: the same name gives different digests in different events.
  auto ja = nlohmann::json::parse(EventJsonFromCanonical(a.event).value());
  auto jb = nlohmann::json::parse(EventJsonFromCanonical(b.event).value());
  EXPECT_NE(ja["personal"]["name"], jb["personal"]["name"]);
}

TEST(EventCodecTest, PersonalDigestGrammarIsStable) {
  // Golden value, computed independently (Python hashlib):
  // SHA-256("ledger/personal/v1" 0x00 || salt || "name" 0x00 || "Kari Nordmann").
  std::string salt(16, '\x01');
  auto d = PersonalDigest(salt, "name", "Kari Nordmann");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : d) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  EXPECT_EQ(hex, "37c75d1dfab467089244e2029e975a8b62b88beb56f0fbd7782ac48dc171eeba")
      << "if this changed, stored digests no longer verify: bump the grammar version instead";
}

TEST(EventCodecTest, MalformedJsonIsRefused) {
  auto r = SignEventJson("{\"id\": ", MakeKey("k"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "malformed JSON");
}

TEST(EventCodecTest, UnknownTypeIsRefused) {
  auto j = CaseOpened("yabc");
  j["type"] = "case.teleported";
  EXPECT_NE(Refusal(j).find("type: unknown event type \"case.teleported\""), std::string::npos);
}

TEST(EventCodecTest, UnknownFieldIsRefusedWithItsPath) {
  auto j = CaseOpened("yabc");
  j["data"]["shoe_size"] = 44;
  EXPECT_EQ(Refusal(j), "data.shoe_size: unknown field");
  auto k = CaseOpened("yabc");
  k["colour"] = "blue";
  EXPECT_EQ(Refusal(k), "colour: unknown field");
}

TEST(EventCodecTest, MissingFieldIsRefusedWithItsPath) {
  auto j = CaseOpened("yabc");
  j["data"].erase("intake_date");
  EXPECT_EQ(Refusal(j), "data.intake_date: missing required field");
  auto k = CaseOpened("yabc");
  k.erase("actor");
  EXPECT_EQ(Refusal(k), "actor: missing required field");
}

TEST(EventCodecTest, MalformedValuesAreRefusedWithTheirPath) {
  auto j = CaseOpened("yabc");
  j["data"]["intake_date"] = "2009-02-29";
  EXPECT_NE(Refusal(j).find("data.intake_date: not a valid date"), std::string::npos);
  j = CaseOpened("yabc");
  j["data"]["sex"] = "unknown";
  EXPECT_NE(Refusal(j).find("data.sex: \"unknown\" is not one of: female, male, other"),
            std::string::npos);
  j = CaseOpened("yabc");
  j["data"]["age_at_intake"] = "19";
  EXPECT_NE(Refusal(j).find("data.age_at_intake: expected an integer"), std::string::npos);
  j = CaseOpened("yabc");
  j["data"]["age_at_intake"] = 300;
  EXPECT_NE(Refusal(j).find("data.age_at_intake"), std::string::npos);
  j = CaseOpened("yabc");
  j["data"]["municipality"] = "Drammen";
  EXPECT_NE(Refusal(j).find("data.municipality: expected a 4-digit kommunenummer"),
            std::string::npos);
  j = CaseOpened("yabc");
  j["occurred_at"] = "2008-01-15 09:30";
  EXPECT_NE(Refusal(j).find("occurred_at"), std::string::npos);
  j = CaseOpened("yabc");
  j["id"] = "not-a-uuid";
  EXPECT_NE(Refusal(j).find("id: expected a lowercase UUID"), std::string::npos);
}

TEST(EventCodecTest, FreeTextCannotEnterCodeFields) {
  auto j = CaseOpened("yabc");
  j["data"]["referral_source"] = "Kari's mother called";
  EXPECT_NE(Refusal(j).find("data.referral_source: expected a code"), std::string::npos);
}

TEST(EventCodecTest, NationalIdIsNeverASubject) {
  auto j = CaseOpened("15818912345");
  EXPECT_NE(Refusal(j).find("not a national identity number"), std::string::npos);
}

TEST(EventCodecTest, StreamAndSubjectMustAgree) {
  auto j = CaseOpened("yabc");
  j["subject"] = "ydef";
  EXPECT_NE(Refusal(j).find("subject: must equal the suffix"), std::string::npos);
  j = CaseOpened("yabc");
  j["stream"] = "keys";
  EXPECT_NE(Refusal(j).find("stream: a case.opened event belongs in a case/<subject> stream"),
            std::string::npos);
}

TEST(EventCodecTest, CrossFieldRulesAreChecked) {
  auto j = CaseOpened("yabc");
  j["type"] = "sanction.imposed";
  j["data"] = {{"sanction_id", "s1"}, {"breach_id", "b1"}, {"basis_decision_id", "d1"},
               {"reduction_nok", 1000}, {"reduction_pct", 20}, {"from", "2008-02-01"},
               {"to", "2008-03-01"}, {"emergency_checked", true}};
  j.erase("personal");
  EXPECT_NE(Refusal(j).find("exactly one of reduction_nok and reduction_pct"), std::string::npos);
  j["data"].erase("reduction_pct");
  EXPECT_EQ(Refusal(j), "");
  j["data"]["to"] = "2008-01-01";
  EXPECT_NE(Refusal(j).find("data.to is before data.from"), std::string::npos);
}

TEST(EventCodecTest, PersonalValuesAreChecked) {
  auto j = CaseOpened("yabc");
  j["personal"]["national_id"] = "123";
  EXPECT_EQ(Refusal(j), "personal.national_id: expected 11 digits");
  j = CaseOpened("yabc");
  j["personal"]["shoe_size"] = "44";
  EXPECT_NE(Refusal(j).find("personal.shoe_size: unknown personal field"), std::string::npos);
}

// Regression: an invalid birth date was echoed in the error message, which is printed and logged.
TEST(EventCodecTest, ErrorsNeverRepeatAPersonalValue) {
  auto j = CaseOpened("yabc");
  j["personal"]["birth_date"] = "1990-02-30";
  std::string m = Refusal(j);
  EXPECT_NE(m.find("personal.birth_date"), std::string::npos);
  EXPECT_EQ(m.find("1990"), std::string::npos) << m;
}

TEST(EventCodecTest, NonCanonicalBytesAreRefused) {
  auto e = SignEventJson(CaseOpened("yabc").dump(), MakeKey("k")).value();
  EXPECT_TRUE(ValidateCanonicalEvent(e.event).ok());
  EXPECT_EQ(ValidateCanonicalEvent(e.event + std::string(8, '\0')).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ValidateCanonicalEvent("garbage").code(), StatusCode::kCorruption);
  EXPECT_EQ(ValidateCanonicalEvent(std::string(64, '\xff')).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ledger
