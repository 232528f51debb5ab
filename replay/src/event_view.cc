#include "replay/event_view.h"

#include <capnp/serialize.h>
#include <kj/exception.h>

#include <string>

#include "ledger/time_format.h"

namespace ledger::replay {
namespace {

capnp::ReaderOptions Limits() {
  capnp::ReaderOptions options;
  // An event is at most 64 KiB (8192 words); the limit leaves room for every projection to read
  // every field a few times without letting damaged pointers make the reader walk far.
  options.traversalLimitInWords = 1 << 20;
  options.nestingLimit = 16;
  return options;
}

std::string_view AsView(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::string At(uint64_t seq) { return "entry at seq " + std::to_string(seq); }

}  // namespace

EventDecoder::EventDecoder() = default;
EventDecoder::~EventDecoder() = default;

Status EventDecoder::DecodeEvent(uint64_t seq, const capnp::word* words, size_t n, EventView* out) {
  event_reader_.reset();
  event_segment_[0] = kj::arrayPtr(words, n);
  event_reader_.emplace(kj::arrayPtr(event_segment_, 1), Limits());
  auto event = event_reader_->getRoot<schema::Event>();
  std::string_view occurred = AsView(event.getOccurredAt());
  auto occurred_us = ParseInstantMicros(occurred);
  if (!occurred_us.ok()) {
    return Status::Corruption(At(seq) + ": occurred_at is not an instant");
  }
  out->occurred_at_us_ = *occurred_us;
  out->type_ = event.getData().which();
  out->stream_ = AsView(event.getStream());
  out->subject_ = event.hasSubject() ? AsView(event.getSubject()) : std::string_view();
  out->event_ = event;
  return Status::Ok();
}

Status EventDecoder::DecodeEntryBytes(uint64_t seq, std::string_view entry_bytes, EventView* out) {
  event_reader_.reset();
  // The entry format is the ledger's (ledger/entry_reader.h); the event inside it is read here.
  EntryFields fields;
  LEDGER_RETURN_IF_ERROR(entry_reader_.Read(seq, entry_bytes, &fields));
  out->seq_ = seq;
  out->version_ = fields.version;
  out->recorded_at_us_ = fields.recorded_at_us;
  // Invariant: EntryReader::Read checked that the event is whole aligned words.
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    status = DecodeEvent(seq, reinterpret_cast<const capnp::word*>(fields.event.data()),
                         fields.event.size() / sizeof(capnp::word), out);
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(At(seq) + ": " + e->getDescription().cStr());
  }
  return status;
}

Status EventDecoder::DecodeEntry(const Entry& entry, EventView* out) {
  const std::string& bytes = entry.event;
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(At(entry.seq) + ": the event is not a whole number of words");
  }
  event_reader_.reset();
  // Heap strings are 16-byte aligned, so the event is almost always read where it is.
  const auto* words = reinterpret_cast<const capnp::word*>(aligned_.Align(bytes));
  out->seq_ = entry.seq;
  out->version_ = entry.version;
  out->recorded_at_us_ = entry.recorded_at_us;
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions(
      [&]() { status = DecodeEvent(entry.seq, words, bytes.size() / sizeof(capnp::word), out); });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(At(entry.seq) + ": " + e->getDescription().cStr());
  }
  return status;
}

}  // namespace ledger::replay
