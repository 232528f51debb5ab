#include "entry_codec.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include "canonical.h"

namespace ledger::internal {
namespace {

std::string_view AsView(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}
capnp::Data::Reader AsData(std::string_view s) {
  return {reinterpret_cast<const capnp::byte*>(s.data()), s.size()};
}

}  // namespace

std::string EncodeEntry(std::string_view event, std::string_view key_id, std::string_view signature,
                        uint64_t seq, uint64_t version, int64_t recorded_at_us) {
  capnp::MallocMessageBuilder message(static_cast<unsigned>(event.size() / 8 + 32));
  auto e = message.initRoot<schema::Entry>();
  e.setEvent(AsData(event));
  e.setKeyId(AsData(key_id));
  e.setSignature(AsData(signature));
  e.setSeq(seq);
  e.setVersion(version);
  e.setRecordedAt(recorded_at_us);
  e.setFormatVersion(kEntryFormatVersion);
  return CanonicalBytes(e.asReader());
}

Status ReadEntryRoot(schema::Entry::Reader entry, EntryFields* out) {
  if (entry.getFormatVersion() != kEntryFormatVersion) {
    return Status::Corruption("unknown entry format version " +
                              std::to_string(entry.getFormatVersion()));
  }
  out->seq = entry.getSeq();
  out->version = entry.getVersion();
  out->recorded_at_us = entry.getRecordedAt();
  out->key_id = AsView(entry.getKeyId());
  out->signature = AsView(entry.getSignature());
  out->event = AsView(entry.getEvent());
  return Status::Ok();
}

Result<Entry> DecodeEntry(std::string_view bytes) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, CanonicalMessage::Decode(bytes, "entry"));
  Entry out;
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    EntryFields fields;
    status = ReadEntryRoot(msg->Root<schema::Entry>(), &fields);
    if (!status.ok()) return;
    out.seq = fields.seq;
    out.version = fields.version;
    out.recorded_at_us = fields.recorded_at_us;
    out.key_id = fields.key_id;
    out.signature = fields.signature;
    out.event = fields.event;
  });
  KJ_IF_MAYBE (ex, error) {
    return Status::Corruption(std::string("entry: ") + ex->getDescription().cStr());
  }
  LEDGER_RETURN_IF_ERROR(status.WithContext("entry"));
  out.bytes = std::string(bytes);
  return out;
}

}  // namespace ledger::internal
