#include "canonical.h"

#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

namespace ledger::internal {

capnp::ReaderOptions ReaderLimits() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 1 << 20;
  options.nestingLimit = 16;
  return options;
}

Result<std::unique_ptr<CanonicalMessage>> CanonicalMessage::Decode(std::string_view bytes,
                                                                   std::string_view what) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(std::string(what) + ": not a whole number of 8-byte words");
  }
  auto msg = std::make_unique<CanonicalMessage>();
  msg->words_ = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(msg->words_.begin(), bytes.data(), bytes.size());
  // Canonical form forbids shared or overlapping pointers, so once isCanonical() has passed
  // (itself bounded by the limits) a message cannot amplify; the limit allows several walks.
  const capnp::ReaderOptions options = ReaderLimits();
  // Cap'n Proto reports malformed input by exception; this is the one place we catch it.
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    kj::ArrayPtr<const capnp::word> segments[1] = {msg->words_.asPtr()};
    auto reader =
        std::make_unique<capnp::SegmentArrayMessageReader>(kj::arrayPtr(segments, 1), options);
    if (!reader->isCanonical()) {
      KJ_FAIL_REQUIRE("not in canonical form");
    }
    msg->reader_ = std::move(reader);
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(std::string(what) + ": " + e->getDescription().cStr());
  }
  return msg;
}

}  // namespace ledger::internal
