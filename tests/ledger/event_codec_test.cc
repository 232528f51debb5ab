// JSON to canonical bytes and back, and every way an event's content is refused, with the
// field named.
#include "ledger/event_codec.h"

#include <gtest/gtest.h>

#include "base/hex.h"
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
         {{{"task_id", "t1"},
           {"problem_id", "p1"},
           {"responsible", "participant"},
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
  const std::string hex = HexEncode(d);
  EXPECT_EQ(hex, "37c75d1dfab467089244e2029e975a8b62b88beb56f0fbd7782ac48dc171eeba")
      << "if this changed, stored digests no longer verify: bump the grammar version instead";
}

// --- Strict JSON: every refusal names the byte column, and the field where there is one -------

// The message SignEventJson gives for the text, or "" if it accepts it.
std::string TextRefusal(std::string_view text) {
  static const SigningKey key = MakeKey("k");
  auto r = SignEventJson(text, key);
  return r.ok() ? "" : r.status().message();
}

// "column C: " for the byte at `index` of a one-line text.
std::string At(size_t index) { return "column " + std::to_string(index + 1) + ": "; }

// The event's JSON text with `from`, which occurs once in it, replaced by `to`. *where gets the
// index of the replacement.
std::string Replaced(const nlohmann::json& event, std::string_view from, std::string_view to,
                     size_t* where = nullptr) {
  std::string text = event.dump();
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  if (at == std::string::npos) return text;
  text.replace(at, from.size(), to);
  if (where) *where = at;
  return text;
}

TEST(EventCodecTest, MalformedJsonNamesTheColumn) {
  EXPECT_EQ(TextRefusal("{\"id\": "),
            "column 8: id: malformed JSON: unexpected end of input; expected '[', '{', or a "
            "literal");
  EXPECT_EQ(TextRefusal("{\"id\" \"x\"}"),
            "column 7: id: malformed JSON: unexpected string literal; expected ':'");
  EXPECT_EQ(TextRefusal("{\"id\": tru}"), "column 8: id: malformed JSON: invalid literal");
  EXPECT_EQ(TextRefusal("{\"a\": 1} {}"),
            "column 10: malformed JSON: unexpected '{'; expected end of input");
  EXPECT_EQ(TextRefusal("// note\n{}"), "line 1, column 1: malformed JSON: invalid literal");
  // A text of several lines: the line within it, and the column within that line.
  EXPECT_EQ(TextRefusal("{\n  \"id\": \"x\",\n}"),
            "line 2, column 12: malformed JSON: trailing comma before '}'");
  // The same parse for canonical bytes from JSON.
  auto r = CanonicalEventFromJson("[1,]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "column 3: malformed JSON: trailing comma before ']'");
}

// Regression: nlohmann's parser takes a NUL byte for the end of the text, so everything after
// it was ignored (a valid event followed by NUL and garbage was appended).
TEST(EventCodecTest, NulByteIsRefusedWithItsColumnAndField) {
  auto j = CaseOpened("yabc");
  size_t at = 0;
  std::string in_value = Replaced(j, "\"caseworker\"", std::string("\"case\0worker\"", 13), &at);
  EXPECT_EQ(TextRefusal(in_value), At(at + 5) + "actor.role: NUL byte");

  const std::string event = j.dump();
  EXPECT_EQ(TextRefusal(event + std::string("\0{\"garbage\"", 11)), At(event.size()) + "NUL byte");
  std::string between = Replaced(j, "\"data\":", std::string("\0\"data\":", 8), &at);
  EXPECT_EQ(TextRefusal(between), At(at) + "NUL byte");
  EXPECT_EQ(TextRefusal(std::string("\0", 1)), "column 1: NUL byte");
  // Escaped, NUL is JSON; a text field still refuses it.
  std::string escaped = Replaced(j, "\"caseworker\"", "\"case\\u0000worker\"");
  EXPECT_EQ(TextRefusal(escaped).find("actor.role: "), 0u) << TextRefusal(escaped);
}

// Regression: the last of two equal keys won, so {"role":"service","role":"caseworker"} was
// stored as caseworker.
TEST(EventCodecTest, DuplicateKeysAreRefusedWithTheirPath) {
  auto j = CaseOpened("yabc");
  size_t at = 0;
  std::string nested =
      Replaced(j, "\"role\":\"caseworker\"", "\"role\":\"service\",\"role\":\"caseworker\"", &at);
  EXPECT_EQ(TextRefusal(nested), At(at + 17) + "actor.role: duplicate key");
  std::string top =
      Replaced(j, "\"subject\":\"yabc\"", "\"subject\":\"yabc\",\"subject\":\"yabc\"", &at);
  EXPECT_EQ(TextRefusal(top), At(at + 17) + "subject: duplicate key") << "even with equal values";
  std::string personal =
      Replaced(j, "\"name\":\"Kari Nordmann\"", "\"name\":\"Kari Nordmann\",\"name\":\"Ola\"", &at);
  EXPECT_EQ(TextRefusal(personal), At(at + 23) + "personal.name: duplicate key");
  // Keys equal only after unescaping are the same key.
  std::string escaped = Replaced(j, "\"role\":\"caseworker\"",
                                 "\"role\":\"caseworker\",\"r\\u006fle\":\"service\"", &at);
  EXPECT_EQ(TextRefusal(escaped), At(at + 20) + "actor.role: duplicate key");
}

TEST(EventCodecTest, InvalidStringsAreRefusedWithTheirColumnAndField) {
  auto j = CaseOpened("yabc");
  size_t at = 0;
  std::string high = Replaced(j, "\"cw-001\"", "\"\\ud800\"", &at);
  EXPECT_EQ(TextRefusal(high), At(at + 1) +
                                   "actor.id: malformed JSON: invalid string: surrogate "
                                   "U+D800..U+DBFF must be followed by U+DC00..U+DFFF");
  std::string low = Replaced(j, "\"cw-001\"", "\"x\\udc00\"", &at);
  EXPECT_EQ(TextRefusal(low), At(at + 2) +
                                  "actor.id: malformed JSON: invalid string: surrogate "
                                  "U+DC00..U+DFFF must follow U+D800..U+DBFF");
  std::string utf8 = Replaced(j, "\"drammen-ung\"", "\"drammen\xff-ung\"", &at);
  EXPECT_EQ(TextRefusal(utf8),
            At(at + 8) + "data.office: malformed JSON: invalid string: ill-formed UTF-8 byte");
  std::string cut = Replaced(j, "\"drammen-ung\"", "\"drammen\xc3-ung\"", &at);
  EXPECT_EQ(TextRefusal(cut),
            At(at + 9) + "data.office: malformed JSON: invalid string: ill-formed UTF-8 byte");
  std::string outside = Replaced(j, "\"data\":", "\xff\"data\":", &at);
  EXPECT_EQ(TextRefusal(outside), At(at) + "malformed JSON: invalid literal");
  std::string control = Replaced(j, "\"cw-001\"", "\"cw\t001\"", &at);
  EXPECT_EQ(TextRefusal(control),
            At(at + 3) +
                "actor.id: malformed JSON: invalid string: control character U+0009 "
                "(HT) must be escaped to \\u0009 or \\t");
}

// A number nlohmann would keep as an inexact double is refused where it is written.
TEST(EventCodecTest, NumbersThatCannotBeHeldExactlyAreRefused) {
  auto j = CaseOpened("yabc");
  size_t at = 0;
  const std::string key = "\"age_at_intake\":";
  std::string digits400 = Replaced(j, key + "19", key + std::string(400, '9'), &at);
  EXPECT_EQ(TextRefusal(digits400),
            At(at + key.size()) + "data.age_at_intake: number longer than 40 characters");
  std::string digits25 = Replaced(j, key + "19", key + std::string(25, '9'), &at);
  EXPECT_EQ(TextRefusal(digits25),
            At(at + key.size()) + "data.age_at_intake: integer outside the 64-bit range");
  std::string negative = Replaced(j, key + "19", key + "-9223372036854775809", &at);
  EXPECT_EQ(TextRefusal(negative),
            At(at + key.size()) + "data.age_at_intake: integer outside the 64-bit range");
  std::string huge = Replaced(j, key + "19", key + "1e999", &at);
  EXPECT_EQ(TextRefusal(huge),
            At(at + key.size()) + "data.age_at_intake: number outside the range of a double");
  // Within range, a fraction is a type error of the field, as before.
  EXPECT_EQ(TextRefusal(Replaced(j, key + "19", key + "19.5")),
            "data.age_at_intake: expected an integer, got a number");
}

TEST(EventCodecTest, TrailingCommasAreRefused) {
  auto j = CaseOpened("yabc");
  size_t at = 0;
  std::string text = j.dump();
  std::string top = text.substr(0, text.size() - 1) + ",}";
  EXPECT_EQ(TextRefusal(top), At(text.size() - 1) + "malformed JSON: trailing comma before '}'");
  std::string in_data = Replaced(j, "\"sex\":\"female\"}", "\"sex\":\"female\" , }", &at);
  EXPECT_EQ(TextRefusal(in_data), At(at + 15) + "data: malformed JSON: trailing comma before '}'");
  std::string in_array = Replaced(j, "[\"NO:sotjl§18\"]", "[\"NO:sotjl§18\",]", &at);
  EXPECT_EQ(TextRefusal(in_array), At(at + std::string("[\"NO:sotjl§18\"").size()) +
                                       "legal_basis: malformed JSON: trailing comma before ']'");
}

TEST(EventCodecTest, DeepNestingIsRefusedWithoutACrash) {
  EXPECT_EQ(TextRefusal(std::string(10000, '[')), "column 65: nesting deeper than 64 levels");
  EXPECT_EQ(TextRefusal(std::string(10000, '[') + std::string(10000, ']')),
            "column 65: nesting deeper than 64 levels");
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  EXPECT_EQ(TextRefusal("{\"data\":" + objects), "column 324: nesting deeper than 64 levels");
  // 64 levels parse; the value is then refused for its shape.
  EXPECT_EQ(TextRefusal(std::string(64, '[') + std::string(64, ']')),
            "event: expected a JSON object");
}

// The element limit stops the parse at the first value over it (issue 14: a body of a million
// empty objects must not become a million objects first).
TEST(EventCodecTest, ElementLimitStopsTheParseAtTheFirstValueOverIt) {
  auto refusal = [](std::string_view text, size_t max) {
    auto r = ParseEventJson(text, max);
    return r.ok() ? std::string() : r.status().message();
  };
  // An array and its three objects are four elements.
  EXPECT_EQ(refusal("[{},{},{}]", 4), "");
  EXPECT_EQ(refusal("[{},{},{}]", 3), "column 8: more than 3 JSON elements");
  // Scalars count, keys do not.
  EXPECT_EQ(refusal(R"({"a":1,"b":"x","c":null})", 4), "");
  EXPECT_NE(refusal(R"({"a":1,"b":"x","c":null,"d":true})", 4).find("more than 4 JSON elements"),
            std::string::npos);
  // A hostile text far over the limit is refused there, whatever its size.
  std::string many = "[";
  for (int i = 0; i < 1000000; ++i) many += i ? ",{}" : "{}";
  many += "]";
  EXPECT_EQ(refusal(many, 1000), "column 2999: more than 1000 JSON elements");
  // A real event is a few dozen elements; without a limit nothing changes.
  const std::string event = CaseOpened("c-1").dump();
  EXPECT_EQ(refusal(event, 64), "");
  EXPECT_TRUE(ParseEventJson(many).ok());
}

// Messages name the place, never the input bytes: those may be personal, or not even UTF-8.
TEST(EventCodecTest, JsonErrorsNeverRepeatTheInput) {
  std::string m = TextRefusal("{\"personal\": {\"name\": Kari Nordmann}}");
  EXPECT_EQ(m, "column 23: personal.name: malformed JSON: invalid literal");
  auto j = CaseOpened("yabc");
  j["data"]["sex"] = std::string(63, 'a') + "\xc3\xa5";  // "å" across byte 64
  m = Refusal(j);
  EXPECT_NE(m.find("data.sex: \"" + std::string(63, 'a') + "...\" is not one of"),
            std::string::npos)
      << m;
  EXPECT_NO_THROW((void)nlohmann::json(m).dump()) << "the message must be valid UTF-8";
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
  j["data"] = {{"sanction_id", "s1"},   {"breach_id", "b1"},        {"basis_decision_id", "d1"},
               {"reduction_nok", 1000}, {"reduction_pct", 20},      {"from", "2008-02-01"},
               {"to", "2008-03-01"},    {"emergency_checked", true}};
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
  EXPECT_EQ(ValidateCanonicalEvent(e.event + std::string(8, '\0')).code(), StatusCode::kCorruption);
  EXPECT_EQ(ValidateCanonicalEvent("garbage").code(), StatusCode::kCorruption);
  EXPECT_EQ(ValidateCanonicalEvent(std::string(64, '\xff')).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ledger
