// Encodings of the values several projections keep in their state, in the terms of
// replay/state_codec.h. Readers mark the reader failed on a bad value and leave the output as
// it was, so a decoder reads a whole record and checks StateReader::Finish once.
//
//   key     = svarint occurred_at_us, uvarint seq
//   opt     = bool present [svarint value]
//   strings = count, * bytes
//   consent = bytes id, bool given, svarint given_at, svarint expires_at,
//             strings purposes, strings recipients, strings categories,
//             count, * (svarint occurred_at, uvarint seq, svarint expires_at),
//             bool refused, opt withdrawn_effective, opt revoked_at, opt invalidated_at,
//             svarint refused_at, opt replaced_at, bytes replaced_by
#ifndef REPLAY_SRC_STATE_PARTS_H_
#define REPLAY_SRC_STATE_PARTS_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "event_key.h"
#include "replay/consent.h"
#include "replay/state_codec.h"

namespace ledger::replay::internal {

void PutKey(StateWriter& w, const EventKey& k);
void GetKey(StateReader& r, EventKey* k);

void PutOpt(StateWriter& w, const std::optional<int64_t>& v);
void GetOpt(StateReader& r, std::optional<int64_t>* v);

void PutStrings(StateWriter& w, const std::vector<std::string>& list);
void GetStrings(StateReader& r, std::vector<std::string>* list);

// A byte below `count` (an enum ordinal).
void GetU8Below(StateReader& r, uint8_t* v, unsigned count);

//   categories = count, * (svarint valid_from, key, u8 category 1-4)
void PutCategories(StateWriter& w, const std::vector<CategoryAssignment>& list);
void GetCategories(StateReader& r, std::vector<CategoryAssignment>* list);

void PutConsent(StateWriter& w, const ConsentFacts& f);
void GetConsent(StateReader& r, ConsentFacts* f);

// A map keyed by string (subject) as `count n, n * (bytes key, record)` in strictly ascending
// key order (bytewise): one map has one encoding, whatever its iteration order.
// put(StateWriter&, const Value&) writes one record.
template <typename Map, typename Put>
std::string EncodeByKey(const Map& map, Put put) {
  std::vector<const typename Map::value_type*> sorted;
  sorted.reserve(map.size());
  for (const auto& entry : map) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  StateWriter w;
  w.PutUvarint(sorted.size());
  for (const auto* entry : sorted) {
    w.PutBytes(entry->first);
    put(w, entry->second);
  }
  return w.Release();
}

// Reads what EncodeByKey wrote into `map` (empty); keys out of order fail the reader.
// get(StateReader&, Value&) reads one record.
template <typename Map, typename Get>
void DecodeByKey(StateReader& r, Map* map, Get get) {
  uint64_t n = 0;
  r.GetCount(&n);
  std::string previous;
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    std::string key;
    if (!r.GetBytes(&key)) return;
    if (i > 0 && !(previous < key)) return r.Fail();
    get(r, (*map)[key]);
    previous = std::move(key);
  }
}

// Restores a projection's State, a struct whose `cases` map EncodeByKey wrote: on success
// *state holds what `bytes` encode; otherwise an empty State, and Corruption naming `what`.
template <typename State, typename Get>
Status DecodeCases(std::string_view bytes, std::string_view what, std::unique_ptr<State>* state,
                   Get get) {
  auto fresh = std::make_unique<State>();
  StateReader r(bytes);
  DecodeByKey(r, &fresh->cases, get);
  Status s = r.Finish(what);
  *state = s.ok() ? std::move(fresh) : std::make_unique<State>();
  return s;
}

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_STATE_PARTS_H_
