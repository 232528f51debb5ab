#include "derived_check.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "crypto.h"
#include "ledger/event_codec.h"
#include "records.h"
#include "vault.h"

namespace ledger::internal {
namespace {

// A stored key as text: printable bytes as they are, others as \xNN.
std::string Printable(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// "stream/name@v3" for a stream index key.
std::string StreamKeyText(std::string_view key) {
  const size_t nul = key.find('\0');
  if (nul == std::string_view::npos || key.size() != nul + 9) return Printable(key);
  return Printable(key.substr(0, nul)) + "@v" + std::to_string(DecodeBE64(key.substr(nul + 1)));
}

Status Mismatch(std::string_view column, std::string_view key, std::string what) {
  return Status::Corruption(std::string(column) + " [" + std::string(key) +
                            "]: " + std::move(what));
}

// The id of the event stored at `seq`, or why it cannot be read.
Result<std::string> IdAt(KvStore* store, uint64_t seq) {
  LEDGER_ASSIGN_OR_RETURN(auto value, store->Get(Column::kEntries, EncodeBE64(seq)));
  LEDGER_ASSIGN_OR_RETURN(auto entry, UnframeEntry(seq, value));
  LEDGER_ASSIGN_OR_RETURN(auto summary, SummarizeEvent(entry.event));
  return summary.id;
}

}  // namespace

Status DerivedColumnsCheck::CheckEntry(uint64_t seq, const Entry& entry, const PreparedEvent& p,
                                       std::string* column) const {
  *column = "ids";
  auto id_bytes = store_->Get(Column::kIds, p.id);
  if (!id_bytes.ok()) {
    if (id_bytes.status().code() != StatusCode::kNotFound) return id_bytes.status();
    return Mismatch("ids", Printable(p.id),
                    "entry " + std::to_string(seq) +
                        " has no id record: a retry of this event would be appended again");
  }
  auto record = DecodeIdRecord(*id_bytes);
  if (!record.ok()) return Mismatch("ids", Printable(p.id), record.status().message());
  if (record->seq != seq) {
    auto other = IdAt(store_, record->seq);
    const bool twice = other.ok() && *other == p.id;
    return Mismatch("ids", Printable(p.id),
                    "entry " + std::to_string(seq) + " has this id but the record points at seq " +
                        std::to_string(record->seq) +
                        (twice ? ", which holds the same id: the id occurs twice in the log" : ""));
  }
  if (record->version != entry.version || record->recorded_at_us != entry.recorded_at_us ||
      record->content_digest != p.content_digest) {
    return Mismatch("ids", Printable(p.id),
                    "the record of entry " + std::to_string(seq) +
                        " differs from the entry (version, recorded_at or content digest)");
  }
  *column = "streams";
  const std::string stream_key = StreamIndexKey(p.stream, entry.version);
  auto seq_bytes = store_->Get(Column::kStreams, stream_key);
  if (!seq_bytes.ok()) {
    if (seq_bytes.status().code() != StatusCode::kNotFound) return seq_bytes.status();
    return Mismatch("streams", StreamKeyText(stream_key),
                    "entry " + std::to_string(seq) + " has no stream index record");
  }
  if (seq_bytes->size() != 8 || DecodeBE64(*seq_bytes) != seq) {
    return Mismatch("streams", StreamKeyText(stream_key),
                    "the record points at " +
                        (seq_bytes->size() == 8 ? "seq " + std::to_string(DecodeBE64(*seq_bytes))
                                                : std::string("a malformed value")) +
                        ", not at entry " + std::to_string(seq));
  }
  return Status::Ok();
}

DerivedColumnsCheck::DerivedColumnsCheck(KvStore* store)
    : store_(store), values_from_(PersonalValuesKeptFrom(*store)) {}

void DerivedColumnsCheck::Visit(uint64_t seq, const PreparedEvent& p) {
  if (p.subject.empty()) return;
  if (p.type == "subject.shredded") shredded_.insert(p.subject);
  // A replica never held the values of what it replicated.
  const bool kept_here = values_from_.ok() && seq >= *values_from_;
  if (p.has_personal && kept_here) personal_[p.subject].push_back(seq);
}

Status DerivedColumnsCheck::CheckIndexCount(Column column, uint64_t size) {
  // Every entry has its record (CheckEntry), and records are distinct keys pointing at distinct
  // entries: so the column holds exactly the entries' records iff it holds `size` of them. Only
  // when it holds more is each record looked at, to name the first stray one.
  uint64_t count = 0;
  auto it = store_->NewIterator(column);
  for (it->Seek(""); it->Valid(); it->Next()) ++count;
  LEDGER_RETURN_IF_ERROR(it->status());
  if (count == size) return Status::Ok();
  const std::string name(ColumnName(column));
  it = store_->NewIterator(column);
  for (it->Seek(""); it->Valid(); it->Next()) {
    uint64_t target = 0;
    std::string key_text;
    bool belongs = false;
    if (column == Column::kIds) {
      key_text = Printable(it->key());
      auto record = DecodeIdRecord(it->value());
      if (record.ok()) {
        target = record->seq;
        auto id = target < size ? IdAt(store_, target) : Result<std::string>(Status::NotFound(""));
        belongs = id.ok() && *id == it->key();
      }
    } else {
      key_text = StreamKeyText(it->key());
      if (it->value().size() == 8) {
        target = DecodeBE64(it->value());
        if (target < size) {
          auto value = store_->Get(Column::kEntries, EncodeBE64(target));
          auto entry = value.ok() ? UnframeEntry(target, *value) : Result<Entry>(value.status());
          auto summary =
              entry.ok() ? SummarizeEvent(entry->event) : Result<EventSummary>(entry.status());
          belongs = summary.ok() && StreamIndexKey(summary->stream, entry->version) == it->key();
        }
      }
    }
    if (!belongs) {
      return Mismatch(name, key_text,
                      "a record no entry accounts for (pointing at seq " + std::to_string(target) +
                          "): the column holds " + std::to_string(count) + " records for " +
                          std::to_string(size) + " entries");
    }
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return Mismatch(name, "",
                  "the column holds " + std::to_string(count) + " records for " +
                      std::to_string(size) + " entries");
}

Status DerivedColumnsCheck::CheckStreamHeads(const LogChecker& checker) {
  std::vector<const std::pair<const std::string, StreamHeadRecord>*> rebuilt;
  rebuilt.reserve(checker.streams().size());
  for (const auto& kv : checker.streams()) rebuilt.push_back(&kv);
  std::sort(rebuilt.begin(), rebuilt.end(), [](auto* a, auto* b) { return a->first < b->first; });
  size_t i = 0;
  auto it = store_->NewIterator(Column::kStreamHeads);
  for (it->Seek(""); it->Valid(); it->Next(), ++i) {
    const std::string_view key = it->key();
    if (i == rebuilt.size() || key < rebuilt[i]->first) {
      return Mismatch("stream_heads", Printable(key), "a head for a stream with no entries");
    }
    if (key > rebuilt[i]->first) {
      return Mismatch("stream_heads", Printable(rebuilt[i]->first),
                      "the stream has entries but no head");
    }
    const StreamHeadRecord& want = rebuilt[i]->second;
    if (EncodeStreamHead(want) == it->value()) continue;
    auto stored = DecodeStreamHead(it->value());
    std::string what = "the head differs from the one rebuilt from the stream's entries";
    if (!stored.ok()) {
      what = stored.status().message();
    } else if (stored->next_version != want.next_version) {
      what = "next version " + std::to_string(stored->next_version) + " where the stream's " +
             "entries give " + std::to_string(want.next_version);
    } else if (stored->shredded != want.shredded) {
      what = stored->shredded ? "marked shredded, but the stream has no subject.shredded"
                              : "not marked shredded, but the stream has a subject.shredded";
    } else if (stored->office != want.office) {
      what = "office " + stored->office + " where case.opened gives " + want.office;
    } else {
      what = "its case state differs from the one rebuilt from the stream's entries";
    }
    return Mismatch("stream_heads", Printable(key), what);
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  if (i < rebuilt.size()) {
    return Mismatch("stream_heads", Printable(rebuilt[i]->first),
                    "the stream has entries but no head");
  }
  return Status::Ok();
}

Status DerivedColumnsCheck::CheckKeys(const LogChecker& checker) {
  auto want = checker.keys().begin();
  auto it = store_->NewIterator(Column::kKeys);
  for (it->Seek(""); it->Valid(); it->Next(), ++want) {
    const std::string key = HexEncode(it->key());
    if (want == checker.keys().end() || it->key() < want->first) {
      return Mismatch("keys", key, "a key no key.registered entry registered");
    }
    if (it->key() > want->first) {
      return Mismatch("keys", HexEncode(want->first), "a registered key has no state record");
    }
    if (EncodeKeyState(want->second) != it->value()) {
      return Mismatch("keys", key,
                      "the key's state (role, scope, revocation) differs from the key events");
    }
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  if (want != checker.keys().end()) {
    return Mismatch("keys", HexEncode(want->first), "a registered key has no state record");
  }
  return Status::Ok();
}

Status DerivedColumnsCheck::CheckMeta(const LogChecker& checker, uint64_t size) {
  LEDGER_ASSIGN_OR_RETURN(auto head_bytes, store_->Get(Column::kMeta, std::string(kMetaHeadKey)));
  auto head = DecodeLedgerHead(head_bytes);
  if (!head.ok()) return Mismatch("meta", kMetaHeadKey, head.status().message());
  if (head->size != size || head->streams != checker.streams().size() ||
      (size > 0 && head->last_recorded_at_us != checker.last_recorded_at_us())) {
    return Mismatch("meta", kMetaHeadKey,
                    "the log head says " + std::to_string(head->size) + " entries in " +
                        std::to_string(head->streams) + " streams; the entries give " +
                        std::to_string(size) + " in " + std::to_string(checker.streams().size()) +
                        " (or a different last recorded_at)");
  }
  auto want = checker.type_counts().begin();
  auto it = store_->NewIterator(Column::kMeta);
  for (it->Seek(kMetaCountPrefix); it->Valid() && it->key().starts_with(kMetaCountPrefix);
       it->Next(), ++want) {
    const std::string_view type = it->key().substr(kMetaCountPrefix.size());
    const std::string key = Printable(it->key());
    if (want == checker.type_counts().end() || type < want->first) {
      return Mismatch("meta", key, "a counter for a type with no entries");
    }
    if (type > want->first) {
      return Mismatch("meta", std::string(kMetaCountPrefix) + want->first,
                      "no counter, but the log has " + std::to_string(want->second) + " entries");
    }
    if (it->value().size() != 8 || DecodeBE64(it->value()) != want->second) {
      return Mismatch(
          "meta", key,
          "the counter differs from the " + std::to_string(want->second) + " entries of this type");
    }
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  if (want != checker.type_counts().end()) {
    return Mismatch("meta", std::string(kMetaCountPrefix) + want->first,
                    "no counter, but the log has " + std::to_string(want->second) + " entries");
  }
  return Status::Ok();
}

std::optional<std::string> DerivedColumnsCheck::WhyStray(std::string_view key,
                                                         std::optional<uint64_t>* at) const {
  if (key.starts_with("k/")) {
    const std::string subject(key.substr(2));
    if (shredded_.count(subject)) return "the key of a shredded subject is still stored";
    if (!personal_.count(subject)) {
      return "a key for a subject no entry carries personal values of";
    }
    return std::nullopt;
  }
  if (key.starts_with("v/") && key.size() > 11 && key[key.size() - 9] == '\0') {
    const std::string subject(key.substr(2, key.size() - 11));
    *at = DecodeBE64(key.substr(key.size() - 8));
    auto found = personal_.find(subject);
    if (found == personal_.end() ||
        !std::binary_search(found->second.begin(), found->second.end(), **at)) {
      return "sealed values for an entry that carries no personal digests of this subject";
    }
    if (shredded_.count(subject)) return "sealed values of a shredded subject are still stored";
    return std::nullopt;
  }
  return "a record of no known kind";
}

std::optional<std::string> DerivedColumnsCheck::FirstMissing(std::optional<uint64_t>* at,
                                                             std::vector<std::string>* all) const {
  std::optional<std::string> first;
  auto missing = [&](std::string key, std::optional<uint64_t> seq) {
    if (!first) {
      first = key;
      *at = seq;
    }
    if (all) all->push_back(std::move(key));
  };
  for (const auto& [subject, seqs] : personal_) {
    if (shredded_.count(subject)) continue;
    if (!store_->Get(Column::kPersonal, SubjectKeyKey(subject)).ok()) {
      missing("k/" + Printable(subject), std::nullopt);
    }
    for (uint64_t seq : seqs) {
      if (!store_->Get(Column::kPersonal, PersonalValueKey(subject, seq)).ok()) {
        missing("v/" + Printable(subject) + "@" + std::to_string(seq), seq);
      }
      if (first && !all) return first;
    }
    if (first && !all) return first;
  }
  return first;
}

// The text of a vault key: "k/<subject>" or "v/<subject>@<seq>".
static std::string VaultKeyText(std::string_view key) {
  if (key.starts_with("v/") && key.size() > 11 && key[key.size() - 9] == '\0') {
    return "v/" + Printable(key.substr(2, key.size() - 11)) + "@" +
           std::to_string(DecodeBE64(key.substr(key.size() - 8)));
  }
  return Printable(key);
}

Status DerivedColumnsCheck::CheckVault(std::optional<uint64_t>* seq) {
  if (!values_from_.ok()) return values_from_.status();
  // Every record present belongs (WhyStray), and the records are counted, so that with the
  // count of what should be present, nothing is missing either.
  uint64_t found = 0;
  auto it = store_->NewIterator(Column::kPersonal);
  for (it->Seek(""); it->Valid(); it->Next()) {
    std::optional<uint64_t> at;
    if (auto why = WhyStray(it->key(), &at)) {
      if (at && why->find("shredded") != std::string::npos) *seq = at;
      return Mismatch("personal", VaultKeyText(it->key()), *why);
    }
    ++found;
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  uint64_t wanted = 0;
  for (const auto& [subject, seqs] : personal_) {
    if (!shredded_.count(subject)) wanted += 1 + seqs.size();
  }
  if (found == wanted) return Status::Ok();
  std::optional<uint64_t> at;
  auto missing = FirstMissing(&at, nullptr);
  if (!missing) return Status::Ok();  // counted twice? cannot be: keys are distinct
  *seq = at;
  return Mismatch("personal", *missing,
                  at ? "the sealed values of entry " + std::to_string(*at) + " are missing"
                     : std::string("the subject's key is missing: its personal values cannot be "
                                   "read"));
}

Status DerivedColumnsCheck::VaultDifferences(std::vector<std::string>* stray,
                                             std::vector<std::string>* missing) {
  auto it = store_->NewIterator(Column::kPersonal);
  for (it->Seek(""); it->Valid(); it->Next()) {
    std::optional<uint64_t> at;
    if (WhyStray(it->key(), &at)) stray->emplace_back(it->key());
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  std::optional<uint64_t> at;
  FirstMissing(&at, missing);
  return Status::Ok();
}

Status DerivedColumnsCheck::Finish(const LogChecker& checker, uint64_t size, std::string* column,
                                   std::optional<uint64_t>* seq) {
  struct Step {
    const char* column;
    std::function<Status()> run;
  };
  const Step steps[] = {
      {"ids", [&] { return CheckIndexCount(Column::kIds, size); }},
      {"streams", [&] { return CheckIndexCount(Column::kStreams, size); }},
      {"stream_heads", [&] { return CheckStreamHeads(checker); }},
      {"keys", [&] { return CheckKeys(checker); }},
      {"meta", [&] { return CheckMeta(checker, size); }},
      {"personal", [&] { return CheckVault(seq); }},
  };
  for (const Step& step : steps) {
    Status s = step.run();
    if (!s.ok()) {
      *column = step.column;
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace ledger::internal
