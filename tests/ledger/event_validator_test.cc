// Events built directly as Cap'n Proto (the binary wire format) are checked as strictly as JSON:
// nothing can hide in a text after a NUL byte or in fields this build does not know.
#include "event_validator.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <gtest/gtest.h>

#include "canonical.h"
#include "json_codec.h"
#include "ledger/event_codec.h"
#include "test_events.h"

namespace ledger::internal {
namespace {

nlohmann::json ValidCase() {
  auto j = testing::CaseOpened("yabc");
  j.erase("personal");
  return j;
}

TEST(EventValidatorTest, TextWithANulByteIsRefused) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  ASSERT_TRUE(EventFromJson(ValidCase(), event).ok());
  std::string office("drammen\0Kari Nordmann 15818912345", 32);
  event.getData().getCaseOpened().setOffice(capnp::Text::Reader(office.data(), office.size()));
  std::string bytes = CanonicalBytes(event.asReader());
  Status s = ValidateCanonicalEvent(bytes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("data.office: NUL byte"), std::string::npos) << s.ToString();
}

TEST(EventValidatorTest, FieldsUnknownToTheSchemaAreRefused) {
  capnp::MallocMessageBuilder message;
  auto layout = capnp::Schema::from<schema::Event>().getProto().getStruct();
  // An Event with one pointer more than this build knows, holding a personal value.
  auto any = message.getRoot<capnp::AnyPointer>().initAsAnyStruct(layout.getDataWordCount(),
                                                                  layout.getPointerCount() + 1);
  auto event = any.as<schema::Event>();
  ASSERT_TRUE(EventFromJson(ValidCase(), event).ok());
  any.getPointerSection()[layout.getPointerCount()].setAs<capnp::Text>("15818912345");
  std::string bytes = CanonicalBytes(event.asReader());
  Status s = ValidateCanonicalEvent(bytes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown to this ledger's schema"), std::string::npos) << s.ToString();
}

TEST(EventValidatorTest, TheSameEventWithoutExtrasIsValid) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  ASSERT_TRUE(EventFromJson(ValidCase(), event).ok());
  EXPECT_TRUE(ValidateCanonicalEvent(CanonicalBytes(event.asReader())).ok());
}

}  // namespace
}  // namespace ledger::internal
