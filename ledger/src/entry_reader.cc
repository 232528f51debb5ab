#include "ledger/entry_reader.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include <string>

#include "canonical.h"
#include "entry_codec.h"

namespace ledger {
namespace {

std::string At(uint64_t seq) { return "entry at seq " + std::to_string(seq); }

}  // namespace

EntryReader::EntryReader() = default;
EntryReader::~EntryReader() = default;

Status EntryReader::Read(uint64_t seq, std::string_view bytes, EntryFields* out) {
  static_assert(sizeof(uint64_t) == sizeof(capnp::word));
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(At(seq) + ": not a whole number of 8-byte words");
  }
  const size_t n = bytes.size() / sizeof(capnp::word);
  const void* words = aligned_.Align(bytes);
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    kj::ArrayPtr<const capnp::word> segments[1] = {
        kj::arrayPtr(static_cast<const capnp::word*>(words), n)};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), internal::ReaderLimits());
    status = internal::ReadEntryRoot(reader.getRoot<schema::Entry>(), out);
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(At(seq) + ": " + e->getDescription().cStr());
  }
  if (!status.ok()) return status.WithContext(At(seq));
  if (out->seq != seq) {
    return Status::Corruption(At(seq) + " names seq " + std::to_string(out->seq));
  }
  // Every object of a message starts on a word boundary of its segment, so a whole event is
  // itself an aligned message; anything else is damage.
  if (out->event.empty() || out->event.size() % sizeof(capnp::word) != 0 ||
      reinterpret_cast<uintptr_t>(out->event.data()) % alignof(capnp::word) != 0) {
    return Status::Corruption(At(seq) + ": the event is not a whole number of aligned words");
  }
  return Status::Ok();
}

}  // namespace ledger
