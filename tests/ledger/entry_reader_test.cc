// The one decoder of stored entry bytes: the public EntryReader (what replay and release read
// the log with) and the ledger's own copying DecodeEntry read the same fields and refuse the
// same damage.
#include "ledger/entry_reader.h"

#include <capnp/message.h>
#include <gtest/gtest.h>

#include <string>

#include "canonical.h"
#include "entry.capnp.h"
#include "entry_codec.h"

namespace ledger {
namespace {

// An event-shaped payload: whole words, as every canonical event is.
const std::string kEvent(48, 'e');
const std::string kKeyId = "kid4";
const std::string kSignature(64, 's');

std::string EntryWithVersion(uint16_t format_version, uint64_t seq) {
  capnp::MallocMessageBuilder message;
  auto e = message.initRoot<schema::Entry>();
  e.setEvent({reinterpret_cast<const capnp::byte*>(kEvent.data()), kEvent.size()});
  e.setSeq(seq);
  e.setFormatVersion(format_version);
  return internal::CanonicalBytes(e.asReader());
}

TEST(EntryReaderTest, ReadsWhatTheLedgerEncodesAsItsOwnDecoderDoes) {
  std::string bytes = internal::EncodeEntry(kEvent, kKeyId, kSignature, 7, 3, 1234567);
  EntryReader reader;
  EntryFields f;
  ASSERT_TRUE(reader.Read(7, bytes, &f).ok());
  EXPECT_EQ(f.seq, 7u);
  EXPECT_EQ(f.version, 3u);
  EXPECT_EQ(f.recorded_at_us, 1234567);
  EXPECT_EQ(f.key_id, kKeyId);
  EXPECT_EQ(f.signature, kSignature);
  EXPECT_EQ(f.event, kEvent);
  // In place: the event is a view into the given bytes.
  EXPECT_GE(f.event.data(), bytes.data());
  EXPECT_LE(f.event.data() + f.event.size(), bytes.data() + bytes.size());

  auto owned = internal::DecodeEntry(bytes);
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  EXPECT_EQ(owned->seq, f.seq);
  EXPECT_EQ(owned->version, f.version);
  EXPECT_EQ(owned->recorded_at_us, f.recorded_at_us);
  EXPECT_EQ(owned->key_id, f.key_id);
  EXPECT_EQ(owned->signature, f.signature);
  EXPECT_EQ(owned->event, f.event);
  EXPECT_EQ(owned->bytes, bytes);
}

TEST(EntryReaderTest, UnalignedBytesReadAlikeAndTheEventIsAligned) {
  std::string bytes = internal::EncodeEntry(kEvent, kKeyId, kSignature, 9, 0, 42);
  std::string shifted = "x" + bytes;
  std::string_view unaligned = std::string_view(shifted).substr(1);
  EntryReader reader;
  EntryFields f;
  ASSERT_TRUE(reader.Read(9, unaligned, &f).ok());
  EXPECT_EQ(f.event, kEvent);
  EXPECT_EQ(f.recorded_at_us, 42);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(f.event.data()) % 8, 0u);
}

TEST(EntryReaderTest, AnUnknownFormatVersionIsCorruptionInBothDecoders) {
  std::string v2 = EntryWithVersion(internal::kEntryFormatVersion + 1, 5);
  EntryReader reader;
  EntryFields f;
  Status read = reader.Read(5, v2, &f);
  EXPECT_EQ(read.code(), StatusCode::kCorruption);
  EXPECT_NE(read.message().find("entry at seq 5"), std::string::npos) << read.message();
  EXPECT_NE(read.message().find("unknown entry format version 2"), std::string::npos)
      << read.message();

  auto owned = internal::DecodeEntry(v2);
  EXPECT_EQ(owned.status().code(), StatusCode::kCorruption);
  EXPECT_NE(owned.status().message().find("unknown entry format version 2"), std::string::npos)
      << owned.status().message();

  // The same entry with the current version reads.
  EXPECT_TRUE(reader.Read(5, EntryWithVersion(internal::kEntryFormatVersion, 5), &f).ok());
}

TEST(EntryReaderTest, DamageIsCorruptionNamingTheSeq) {
  std::string bytes = internal::EncodeEntry(kEvent, kKeyId, kSignature, 11, 0, 1);
  EntryReader reader;
  EntryFields f;
  for (const std::string& bad :
       {bytes.substr(0, 13), std::string(), std::string(bytes.size(), '\xff')}) {
    Status s = reader.Read(11, bad, &f);
    EXPECT_EQ(s.code(), StatusCode::kCorruption);
    EXPECT_NE(s.message().find("entry at seq 11"), std::string::npos) << s.message();
  }
  Status wrong_seq = reader.Read(12, bytes, &f);
  EXPECT_EQ(wrong_seq.code(), StatusCode::kCorruption);
  EXPECT_NE(wrong_seq.message().find("names seq 11"), std::string::npos) << wrong_seq.message();

  // An event that is not whole words cannot be read in place as a message.
  std::string ragged = internal::EncodeEntry(std::string(13, 'e'), kKeyId, kSignature, 11, 0, 1);
  Status r = reader.Read(11, ragged, &f);
  EXPECT_EQ(r.code(), StatusCode::kCorruption);
  EXPECT_NE(r.message().find("aligned words"), std::string::npos) << r.message();

  // The reader is still usable afterwards.
  EXPECT_TRUE(reader.Read(11, bytes, &f).ok());
}

}  // namespace
}  // namespace ledger
