#include "anchor.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/file.h"
#include "crypto.h"
#include "storage/kv_store.h"
#include "tlog/base64.h"

namespace ledger::internal {
namespace {

// One slot of LEDGER-HEAD:
//   magic "LDGHEAD1" | BE64 generation | BE64 size | 32-byte root | first 8 bytes of SHA-256
//   of the 56 bytes before
constexpr std::string_view kSlotMagic = "LDGHEAD1";
constexpr size_t kSlotBytes = 64;
constexpr size_t kHeadFileBytes = 2 * kSlotBytes;
// Readable like RocksDB's own files (0644): nothing in them is secret, and an auditor who may
// read the directory must be able to read them.
constexpr unsigned kAnchorFileMode = 0644;

std::string HeadPath(const std::string& dir) {
  return (std::filesystem::path(dir) / kAnchorHeadFile).string();
}
std::string CheckpointPath(const std::string& dir) {
  return (std::filesystem::path(dir) / kAnchorCheckpointFile).string();
}

std::string EncodeSlot(uint64_t generation, const AnchoredHead& head) {
  std::string slot(kSlotMagic);
  slot += EncodeBE64(generation);
  slot += EncodeBE64(head.size);
  slot.append(reinterpret_cast<const char*>(head.root.data()), head.root.size());
  auto digest = Sha256(slot);
  slot.append(reinterpret_cast<const char*>(digest.data()), 8);
  return slot;
}

struct Slot {
  uint64_t generation;
  AnchoredHead head;
};

std::optional<Slot> DecodeSlot(std::string_view bytes) {
  if (bytes.size() != kSlotBytes || !bytes.starts_with(kSlotMagic)) return std::nullopt;
  auto digest = Sha256(bytes.substr(0, kSlotBytes - 8));
  if (std::memcmp(digest.data(), bytes.data() + kSlotBytes - 8, 8) != 0) return std::nullopt;
  Slot s;
  s.generation = DecodeBE64(bytes.substr(8, 8));
  s.head.size = DecodeBE64(bytes.substr(16, 8));
  std::memcpy(s.head.root.data(), bytes.data() + 24, 32);
  return s;
}

Result<Slot> NewestSlot(const std::string& path, std::string_view bytes) {
  if (bytes.size() != kHeadFileBytes) {
    return Status::Corruption(path + " has " + std::to_string(bytes.size()) + " bytes, not " +
                              std::to_string(kHeadFileBytes) + ": the anchor file is damaged");
  }
  auto a = DecodeSlot(bytes.substr(0, kSlotBytes));
  auto b = DecodeSlot(bytes.substr(kSlotBytes));
  if (!a && !b) {
    return Status::Corruption(path + ": neither slot checks out: the anchor file is damaged");
  }
  if (!b || (a && a->generation > b->generation)) return *a;
  return *b;
}

std::string RootText(const tlog::Hash& root) { return tlog::HashToBase64(root); }

constexpr std::string_view kWhatNext =
    "; do not append to it: restore the data directory from a backup or a replica that holds "
    "them (docs/operations.md, \"When the store disagrees with its anchor\")";

Status CheckOne(std::string_view file, std::string_view what, uint64_t store_size,
                const std::function<Result<tlog::Hash>(uint64_t)>& root_at,
                const AnchoredHead& anchored) {
  if (store_size < anchored.size) {
    return Status::Corruption(
        "the store holds " + std::to_string(store_size) + " entries but " + std::string(what) +
        " " + std::to_string(anchored.size) + " (" + std::string(file) + ", root " +
        RootText(anchored.root) +
        "): acknowledged entries are missing from the store (a damaged, truncated or deleted "
        "write-ahead log, or files from an older copy)" +
        std::string(kWhatNext));
  }
  auto root = root_at(anchored.size);
  if (!root.ok()) {
    return root.status().WithContext("checking the store against " + std::string(file));
  }
  if (*root != anchored.root) {
    return Status::Corruption(
        "the store's tree of " + std::to_string(anchored.size) + " entries has root " +
        RootText(*root) + " but " + std::string(what) + " it with root " + RootText(anchored.root) +
        " (" + std::string(file) +
        "): the entries differ from those committed, and appending would fork the history" +
        std::string(kWhatNext));
  }
  return Status::Ok();
}

}  // namespace

Result<AnchorContents> ReadAnchor(const std::string& dir) {
  AnchorContents out;
  const std::string head_path = HeadPath(dir);
  auto head = ReadSmallFile(head_path, kHeadFileBytes + 1);
  if (head.ok()) {
    LEDGER_ASSIGN_OR_RETURN(auto slot, NewestSlot(head_path, *head));
    out.committed = slot.head;
  } else if (head.status().code() != StatusCode::kNotFound) {
    return head.status();
  }
  auto note = ReadSmallFile(CheckpointPath(dir), size_t{1} << 20);
  if (note.ok()) {
    if (note->empty()) {
      return Status::Corruption(CheckpointPath(dir) + " is empty: the anchor file is damaged");
    }
    out.checkpoint_note = std::move(note).value();
  } else if (note.status().code() != StatusCode::kNotFound) {
    return note.status();
  }
  return out;
}

Status CheckStoreAgainstAnchor(uint64_t store_size,
                               const std::function<Result<tlog::Hash>(uint64_t)>& root_at,
                               const std::optional<AnchoredHead>& committed,
                               const std::optional<AnchoredHead>& checkpoint) {
  if (checkpoint) {
    LEDGER_RETURN_IF_ERROR(CheckOne(kAnchorCheckpointFile, "the ledger signed a checkpoint of",
                                    store_size, root_at, *checkpoint));
  }
  if (committed) {
    LEDGER_RETURN_IF_ERROR(
        CheckOne(kAnchorHeadFile, "the ledger committed", store_size, root_at, *committed));
  }
  return Status::Ok();
}

Status CheckStoreAgainstCheckpoint(std::string_view source, uint64_t store_size,
                                   const std::function<Result<tlog::Hash>(uint64_t)>& root_at,
                                   const AnchoredHead& checkpoint) {
  return CheckOne(source, "the ledger's key signed a checkpoint of", store_size, root_at,
                  checkpoint);
}

Result<std::unique_ptr<AnchorWriter>> AnchorWriter::Open(const std::string& dir,
                                                         const AnchoredHead& head) {
  const std::string path = HeadPath(dir);
  uint64_t generation = 1;
  auto existing = ReadSmallFile(path, kHeadFileBytes + 1);
  if (existing.ok()) {
    LEDGER_ASSIGN_OR_RETURN(auto slot, NewestSlot(path, *existing));
    generation = slot.generation;
  } else if (existing.status().code() == StatusCode::kNotFound) {
    // Both slots hold the head, durably, before anything relies on the file.
    std::string bytes = EncodeSlot(0, head) + EncodeSlot(1, head);
    LEDGER_RETURN_IF_ERROR(WriteFileAtomic(path, bytes, kAnchorFileMode));
  } else {
    return existing.status();
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<AnchorWriter>(new AnchorWriter(dir, fd, generation));
}

AnchorWriter::~AnchorWriter() { ::close(fd_); }

Status AnchorWriter::RecordCommitted(const AnchoredHead& head) {
  const uint64_t next = generation_ + 1;
  const std::string slot = EncodeSlot(next, head);
  // One pwrite of 64 bytes within one slot: the other slot keeps the previous head whole.
  const off_t offset = static_cast<off_t>((next % 2) * kSlotBytes);
  for (;;) {
    ssize_t n = ::pwrite(fd_, slot.data(), slot.size(), offset);
    if (n == static_cast<ssize_t>(slot.size())) break;
    if (n < 0 && errno == EINTR) continue;
    return Status::IOError("write " + HeadPath(dir_) + ": " +
                           (n < 0 ? std::string(std::strerror(errno)) : "short write"));
  }
  generation_ = next;
  return Status::Ok();
}

Status AnchorWriter::RecordCheckpoint(std::string_view note) {
  return WriteFileAtomic(CheckpointPath(dir_), note, kAnchorFileMode);
}

}  // namespace ledger::internal
