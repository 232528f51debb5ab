#include "records.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <zlib.h>

#include <cstring>

#include "case_state_codec.h"
#include "entry_codec.h"
#include "storage.capnp.h"
#include "storage/kv_store.h"

namespace ledger::internal {
namespace {

// 2: the Merkle tree (tree, checkpoints columns, meta/range) is part of every commit.
constexpr uint16_t kStorageFormatVersion = 3;  // 3: case state, personal vault

std::string_view AsView(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}
capnp::Data::Reader AsData(std::string_view s) {
  return {reinterpret_cast<const capnp::byte*>(s.data()), s.size()};
}

std::string Serialize(capnp::MessageBuilder& message) {
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// Decodes an internal record (not necessarily canonical) and hands its root to `fn`; a record
// that does not decode is Corruption naming `what`.
template <typename T, typename Fn>
Status WithRecord(std::string_view bytes, std::string_view what, Fn&& fn) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty()) {
    return Status::Corruption(std::string(what) + ": truncated record");
  }
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 1 << 16;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    capnp::FlatArrayMessageReader reader(words.asPtr(), options);
    fn(reader.getRoot<T>());
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(std::string(what) + ": " + e->getDescription().cStr());
  }
  return Status::Ok();
}

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; entries are far below 4 GiB.
  return static_cast<uint32_t>(
      crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

std::string FrameEntry(std::string_view entry_bytes) {
  uint32_t crc = Crc32(entry_bytes);
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(crc & 0xff);
    crc >>= 8;
  }
  out += entry_bytes;
  return out;
}

Result<std::string_view> CheckEntryFrame(uint64_t seq, std::string_view value) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("entry at seq " + std::to_string(seq) + ": " + std::string(why));
  };
  if (value.size() < 4) return corrupt("truncated");
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored = (stored << 8) | static_cast<unsigned char>(value[i]);
  std::string_view bytes = value.substr(4);
  if (Crc32(bytes) != stored) return corrupt("checksum mismatch (the stored bytes were altered)");
  return bytes;
}

Result<Entry> UnframeEntry(uint64_t seq, std::string_view value) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("entry at seq " + std::to_string(seq) + ": " + std::string(why));
  };
  LEDGER_ASSIGN_OR_RETURN(auto bytes, CheckEntryFrame(seq, value));
  auto entry = DecodeEntry(bytes);
  if (!entry.ok()) return corrupt(entry.status().message());
  if (entry->seq != seq) {
    return corrupt("stored under seq " + std::to_string(seq) + " but says seq " +
                   std::to_string(entry->seq));
  }
  return entry;
}

std::string EncodeStreamHead(const StreamHeadRecord& head) {
  capnp::MallocMessageBuilder message;
  auto h = message.initRoot<schema::StreamHead>();
  h.setNextVersion(head.next_version);
  h.setOffice(head.office);
  h.setShredded(head.shredded);
  WriteCaseState(head.case_state, h.initCaseState());
  return Serialize(message);
}

Result<StreamHeadRecord> DecodeStreamHead(std::string_view bytes) {
  StreamHeadRecord out;
  LEDGER_RETURN_IF_ERROR(WithRecord<schema::StreamHead>(bytes, "stream head", [&](auto h) {
    out.next_version = h.getNextVersion();
    out.office = h.getOffice().cStr();
    out.shredded = h.getShredded();
    if (h.hasCaseState()) ReadCaseState(h.getCaseState(), &out.case_state);
  }));
  return out;
}

Status DecodeStreamConsents(std::string_view bytes, SubjectConsents* out) {
  return WithRecord<schema::StreamHead>(bytes, "stream head", [&](auto h) {
    out->shredded = h.getShredded();
    if (!h.hasCaseState()) return;
    out->closed = h.getCaseState().getClosed();
    ReadConsentState(h.getCaseState(), &out->consents, &out->restrictions);
  });
}

std::string EncodeLedgerHead(const LedgerHeadRecord& head) {
  capnp::MallocMessageBuilder message;
  auto h = message.initRoot<schema::LedgerHead>();
  h.setSize(head.size);
  h.setLastRecordedAt(head.last_recorded_at_us);
  h.setStreams(head.streams);
  return Serialize(message);
}

Result<LedgerHeadRecord> DecodeLedgerHead(std::string_view bytes) {
  LedgerHeadRecord out;
  LEDGER_RETURN_IF_ERROR(WithRecord<schema::LedgerHead>(bytes, "ledger head", [&](auto h) {
    out.size = h.getSize();
    out.last_recorded_at_us = h.getLastRecordedAt();
    out.streams = h.getStreams();
  }));
  return out;
}

std::string EncodeIdentity(const LedgerIdentity& identity, int64_t created_at_us) {
  capnp::MallocMessageBuilder message;
  auto i = message.initRoot<schema::LedgerIdentity>();
  i.setOrigin(identity.origin);
  i.setPublicKey(AsData(identity.public_key));
  i.setCreatedAt(created_at_us);
  i.setFormatVersion(kStorageFormatVersion);
  i.setFirstAdminKeyId(AsData(identity.first_admin_key_id));
  i.setMaxAgreementProblems(identity.max_agreement_problems);
  return Serialize(message);
}

Result<LedgerIdentity> DecodeIdentity(std::string_view bytes, int64_t* created_at_us) {
  LedgerIdentity out;
  uint16_t version = 0;
  LEDGER_RETURN_IF_ERROR(WithRecord<schema::LedgerIdentity>(bytes, "ledger identity", [&](auto i) {
    out.origin = i.getOrigin().cStr();
    out.public_key = AsView(i.getPublicKey());
    *created_at_us = i.getCreatedAt();
    version = i.getFormatVersion();
    out.first_admin_key_id = AsView(i.getFirstAdminKeyId());
    out.max_agreement_problems = i.getMaxAgreementProblems();
  }));
  if (version != kStorageFormatVersion) {
    return Status::FailedPrecondition("ledger format version " + std::to_string(version) +
                                      " is not supported by this build (expects " +
                                      std::to_string(kStorageFormatVersion) + ")");
  }
  return out;
}

std::string EncodeKeyState(const KeyInfo& key) {
  capnp::MallocMessageBuilder message;
  auto k = message.initRoot<schema::KeyState>();
  k.setKeyIdHex(key.key_id_hex);
  k.setName(key.name);
  k.setPublicKey(AsData(key.public_key));
  k.setRole(key.role);
  auto scope = k.initScope(static_cast<unsigned>(key.scope.size()));
  for (unsigned i = 0; i < key.scope.size(); ++i) scope.set(i, key.scope[i]);
  k.setRegisteredSeq(key.registered_seq);
  k.setRegisteredAt(key.registered_at_us);
  k.setRevoked(key.revoked);
  k.setRevokedSeq(key.revoked_seq);
  k.setRevokedAt(key.revoked_at_us);
  return Serialize(message);
}

Result<KeyInfo> DecodeKeyState(std::string_view bytes) {
  KeyInfo out;
  LEDGER_RETURN_IF_ERROR(WithRecord<schema::KeyState>(bytes, "key state", [&](auto k) {
    out.key_id_hex = k.getKeyIdHex().cStr();
    out.name = k.getName().cStr();
    out.public_key = AsView(k.getPublicKey());
    out.role = k.getRole().cStr();
    for (auto s : k.getScope()) out.scope.emplace_back(s.cStr());
    out.registered_seq = k.getRegisteredSeq();
    out.registered_at_us = k.getRegisteredAt();
    out.revoked = k.getRevoked();
    out.revoked_seq = k.getRevokedSeq();
    out.revoked_at_us = k.getRevokedAt();
  }));
  return out;
}

std::string EncodeIdRecord(const IdRecord& r) {
  std::string out = EncodeBE64(r.seq);
  out += EncodeBE64(r.version);
  out += EncodeBE64(static_cast<uint64_t>(r.recorded_at_us));
  out += r.content_digest;
  return out;
}

Result<IdRecord> DecodeIdRecord(std::string_view bytes) {
  if (bytes.size() != 24 + 32) return Status::Corruption("id index record has the wrong size");
  IdRecord r;
  r.seq = DecodeBE64(bytes);
  r.version = DecodeBE64(bytes.substr(8));
  r.recorded_at_us = static_cast<int64_t>(DecodeBE64(bytes.substr(16)));
  r.content_digest = std::string(bytes.substr(24));
  return r;
}

std::string EncodeDisclosures(const std::vector<Disclosure>& disclosures) {
  capnp::MallocMessageBuilder message;
  auto list = message.initRoot<schema::DisclosureList>().initItems(
      static_cast<unsigned>(disclosures.size()));
  for (unsigned i = 0; i < disclosures.size(); ++i) {
    list[i].setSalt(AsData(disclosures[i].salt));
    list[i].setField(disclosures[i].field);
    list[i].setValue(disclosures[i].value);
  }
  return Serialize(message);
}

Result<std::vector<Disclosure>> DecodeDisclosures(std::string_view bytes) {
  std::vector<Disclosure> out;
  LEDGER_RETURN_IF_ERROR(WithRecord<schema::DisclosureList>(bytes, "disclosures", [&](auto l) {
    for (auto d : l.getItems()) {
      out.push_back({std::string(AsView(d.getSalt())), d.getField().cStr(), d.getValue().cStr()});
    }
  }));
  return out;
}

std::string EncodeRange(const tlog::CompactRange& range) {
  std::string out = EncodeBE64(range.size());
  for (const auto& h : range.hashes())
    out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

Result<tlog::CompactRange> DecodeRange(std::string_view bytes) {
  if (bytes.size() < 8 || (bytes.size() - 8) % 32 != 0) {
    return Status::Corruption("tree range record has the wrong size");
  }
  std::vector<tlog::Hash> hashes((bytes.size() - 8) / 32);
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::memcpy(hashes[i].data(), bytes.data() + 8 + 32 * i, 32);
  }
  auto range = tlog::CompactRange::FromState(DecodeBE64(bytes), std::move(hashes));
  if (!range.ok()) return range.status().WithContext("tree range record");
  return range;
}

std::string TreeNodeKey(uint8_t level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  key += EncodeBE64(index);
  return key;
}

std::string StreamIndexKey(std::string_view stream, uint64_t version) {
  std::string key(stream);
  key.push_back('\0');
  key += EncodeBE64(version);
  return key;
}

Result<uint64_t> PersonalValuesKeptFrom(KvStore& store) {
  auto replica = store.Get(Column::kMeta, std::string(kMetaReplicaKey));
  if (replica.ok()) return UINT64_MAX;
  if (replica.status().code() != StatusCode::kNotFound) return replica.status();
  auto from = store.Get(Column::kMeta, std::string(kMetaValuesFromKey));
  if (!from.ok()) {
    if (from.status().code() == StatusCode::kNotFound) return uint64_t{0};
    return from.status();
  }
  if (from->size() != 8) return Status::Corruption("meta: malformed values_from");
  return DecodeBE64(*from);
}

}  // namespace ledger::internal
