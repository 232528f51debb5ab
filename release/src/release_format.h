// The file formats of a release shared by its writer and its reader (docs/evaluator-guide.md,
// "Files"): names, the persons.csv columns, the manifest signature's text, and how a released
// event line turns back into a catalogue event in the synthetic calendar.
#ifndef RELEASE_SRC_RELEASE_FORMAT_H_
#define RELEASE_SRC_RELEASE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "release/release.h"

namespace ledger::release::internal {

inline constexpr std::string_view kFormat = "ledger-release/v1";
inline constexpr std::string_view kEventsFile = "events.jsonl";
inline constexpr std::string_view kPersonsFile = "persons.csv";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kSignatureFile = "manifest.sig";

// Limits on what a reader of a release takes in (a hostile release is refused, never followed):
// manifest.json and manifest.sig are read whole up to kMaxManifestBytes, persons.csv up to
// kMaxPersonsBytes with lines of at most kMaxPersonsLineBytes, events.jsonl line by line with
// lines of at most kMaxEventLineBytes (the longest the demo writes is under 1000). Every JSON text
// is parsed by ParseEventJson (ledger/event_codec.h): 64 levels of nesting at most.
inline constexpr uint64_t kMaxManifestBytes = uint64_t{1} << 20;
inline constexpr uint64_t kMaxPersonsBytes = uint64_t{256} << 20;
inline constexpr size_t kMaxPersonsLineBytes = 4096;
inline constexpr size_t kMaxEventLineBytes = 64 * 1024;

// The event types a release carries: the programme, assistance and outcome events. Consents,
// disclosures, referrals, erasure, restriction, keys and releases stay in the ledger.
bool IsReleasedType(std::string_view type);

// "ledger-release <release_id>\nmanifest-sha256 <hex>\n": the signed note's text.
std::string SignedText(std::string_view release_id, std::string_view manifest_sha256_hex);
// The inverse of SignedText: Corruption naming manifest.sig for any other text (a release id
// ValidReleaseId refuses, a hash that is not 64 lowercase hex digits).
struct SignedManifest {
  std::string release_id;
  std::string manifest_sha256;  // hex
};
Result<SignedManifest> ParseSignedText(std::string_view text);

// persons.csv: the header, and the columns the replay reads (the outcome columns follow).
std::string PersonsHeader(const std::vector<int>& horizons);
std::string PersonsRow(const ReleasePerson& p, const replay::PersonOutcome* outcome);
// persons.csv as PersonsHeader and PersonsRow write it for `horizons`. Corruption naming the line
// and the column for anything else: another header, a line over kMaxPersonsLineBytes, a wrong
// number of columns, a value of the wrong form or out of range, a person listed twice.
Result<std::vector<ReleasePerson>> ParsePersons(std::string_view csv,
                                                const std::vector<int>& horizons);

// Municipality codes as a release gives them -> the 4-digit code the replay writes into
// case.opened: "3005" stays, a county "30xx" becomes "3000", "*" becomes "0000".
std::string ReplayMunicipality(std::string_view released);
// "18-20" -> 18, "21-24" -> 21, "18-24" -> 18: the age the replay writes.
int ReplayAge(std::string_view age_band);

// One line of events.jsonl -> a catalogue event (JSON) in the synthetic calendar of `person`;
// `ordinal` numbers the event within the release (its UUID). InvalidArgument naming the field
// ("day: ...", "data.as_of: ...") if the line is not a released event.
Result<nlohmann::json> CatalogueEvent(const nlohmann::json& line, const ReleasePerson& person,
                                      uint64_t ordinal);

// At most `max_bytes` of `text` for a message, every byte outside printable ASCII shown as '?'
// and "..." after a cut: a release's bytes never reach a terminal as they are.
std::string Shown(std::string_view text, size_t max_bytes);

// SHA-256 (hex) and size of a file, read in blocks. NotFound if it is missing.
Result<std::pair<std::string, uint64_t>> HashFile(const std::string& path);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_RELEASE_FORMAT_H_
