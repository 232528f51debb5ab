#include "replay/event_view.h"

#include <gtest/gtest.h>

#include "ledger/event_codec.h"
#include "replay_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::ReplayTestLog;
using ledger::testing::Us;

TEST(EventViewTest, DecodesEnvelopeAndData) {
  ReplayTestLog log;
  uint64_t seq = log.Open("sub-a", "office-1", "2009-01-05T10:00:00+01:00");
  uint64_t seq2 = log.Add(
      "sub-a", "status.observed", "2009-01-06T10:00:00+01:00",
      {{"as_of", "2009-01-05"}, {"status", "education"}, {"source", "register"}}, "service");
  auto it = log.ledger().log().Scan(seq, /*decode=*/false);
  ASSERT_TRUE(it->Valid());
  EventDecoder decoder;
  EventView v;
  ASSERT_TRUE(decoder.DecodeEntryBytes(seq, it->entry().bytes, &v).ok());
  EXPECT_EQ(v.seq(), seq);
  EXPECT_EQ(v.version(), 0u);
  EXPECT_EQ(v.type(), EventType::CASE_OPENED);
  EXPECT_EQ(EventTypeName(v.type()), "case.opened");
  EXPECT_EQ(v.stream(), "case/sub-a");
  EXPECT_EQ(v.subject(), "sub-a");
  EXPECT_EQ(v.occurred_at_us(), Us("2009-01-05T09:00:00Z"));
  EXPECT_EQ(std::string(v.data().getCaseOpened().getOffice().cStr()), "office-1");

  it->Next();
  ASSERT_TRUE(it->Valid());
  ASSERT_TRUE(decoder.DecodeEntryBytes(seq2, it->entry().bytes, &v).ok());
  EXPECT_EQ(v.version(), 1u);
  EXPECT_EQ(v.type(), EventType::STATUS_OBSERVED);
  EXPECT_EQ(v.data().getStatusObserved().getStatus(), schema::ObservedStatus::EDUCATION);
  EXPECT_GT(v.recorded_at_us(), 0);
}

TEST(EventViewTest, BothEntryFormsDecodeAlikeAndTypeNamesMatchTheCodec) {
  ReplayTestLog log;
  log.Open("sub-a", "office-1", "2009-01-05T10:00:00+01:00");
  log.Add("sub-a", "phase.entered", "2009-01-05T10:05:00+01:00", {{"phase", "intake"}});
  log.Add("sub-a", "processing.restricted", "2009-01-05T11:00:00+01:00",
          {{"purpose", "statistics"}}, "dpo");
  EventDecoder a, b;
  EventView va, vb;
  size_t n = 0;
  for (auto it = log.ledger().log().Scan(0, /*decode=*/true); it->Valid(); it->Next(), ++n) {
    const Entry& e = it->entry();
    ASSERT_TRUE(a.DecodeEntry(e, &va).ok());
    ASSERT_TRUE(b.DecodeEntryBytes(e.seq, e.bytes, &vb).ok());
    auto summary = SummarizeEvent(e.event);
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(EventTypeName(va.type()), summary->type);
    EXPECT_EQ(va.type(), vb.type());
    EXPECT_EQ(va.occurred_at_us(), summary->occurred_at_us);
    EXPECT_EQ(vb.occurred_at_us(), summary->occurred_at_us);
    EXPECT_EQ(va.stream(), summary->stream);
    EXPECT_EQ(vb.subject(), summary->subject);
    EXPECT_EQ(va.recorded_at_us(), vb.recorded_at_us());
    EXPECT_EQ(va.version(), vb.version());
  }
  EXPECT_EQ(n, log.ledger().log().Size());  // keys (4) and case events (3)
}

TEST(EventViewTest, UnalignedBytesAreCopiedAndDecodeAlike) {
  ReplayTestLog log;
  uint64_t seq = log.Open("sub-a", "office-1", "2009-01-05T10:00:00+01:00");
  auto entry = log.ledger().log().ReadSeq(seq);
  ASSERT_TRUE(entry.ok());
  std::string shifted = "x" + entry->bytes;
  std::string_view unaligned(shifted.data() + 1, entry->bytes.size());
  ASSERT_NE(reinterpret_cast<uintptr_t>(unaligned.data()) % 8, 0u);
  EventDecoder decoder;
  EventView a, b;
  ASSERT_TRUE(decoder.DecodeEntryBytes(seq, unaligned, &a).ok());
  EXPECT_EQ(a.type(), EventType::CASE_OPENED);
  EXPECT_EQ(a.subject(), "sub-a");
  EXPECT_EQ(std::string(a.data().getCaseOpened().getIntakeDate().cStr()), "2009-01-05");
  // The copy does not refer to the caller's bytes.
  shifted.assign(shifted.size(), '\0');
  EXPECT_EQ(a.subject(), "sub-a");
  EventDecoder other;
  ASSERT_TRUE(other.DecodeEntryBytes(seq, entry->bytes, &b).ok());
  EXPECT_EQ(a.occurred_at_us(), b.occurred_at_us());
  EXPECT_EQ(a.recorded_at_us(), b.recorded_at_us());
}

TEST(EventViewTest, MalformedEntriesAreCorruptionNamingTheSeq) {
  ReplayTestLog log;
  uint64_t seq = log.Open("sub-a", "office-1", "2009-01-05T10:00:00+01:00");
  auto entry = log.ledger().log().ReadSeq(seq);
  ASSERT_TRUE(entry.ok());
  EventDecoder decoder;
  EventView v;

  Status odd = decoder.DecodeEntryBytes(seq, entry->bytes.substr(0, 13), &v);
  EXPECT_EQ(odd.code(), StatusCode::kCorruption);
  EXPECT_NE(odd.message().find("seq " + std::to_string(seq)), std::string::npos);

  Status wrong_seq = decoder.DecodeEntryBytes(seq + 1, entry->bytes, &v);
  EXPECT_EQ(wrong_seq.code(), StatusCode::kCorruption);

  // Pointers that lead outside the message.
  std::string garbage(entry->bytes.size(), '\xff');
  EXPECT_EQ(decoder.DecodeEntryBytes(seq, garbage, &v).code(), StatusCode::kCorruption);

  Entry bad = *entry;
  bad.event = std::string(16, '\x7f');
  EXPECT_EQ(decoder.DecodeEntry(bad, &v).code(), StatusCode::kCorruption);

  // The decoder is still usable afterwards.
  EXPECT_TRUE(decoder.DecodeEntryBytes(seq, entry->bytes, &v).ok());
  EXPECT_EQ(v.type(), EventType::CASE_OPENED);
}

}  // namespace
}  // namespace ledger::replay
