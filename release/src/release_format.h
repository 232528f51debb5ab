// The file formats of a release shared by its writer and its reader (docs/evaluator-guide.md,
// "Files"): names, the persons.csv columns, the manifest signature's text, and how a released
// event line turns back into a catalogue event in the synthetic calendar.
#ifndef RELEASE_SRC_RELEASE_FORMAT_H_
#define RELEASE_SRC_RELEASE_FORMAT_H_

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "release/release.h"

namespace ledger::release::internal {

inline constexpr std::string_view kFormat = "ledger-release/v1";
inline constexpr std::string_view kEventsFile = "events.jsonl";
inline constexpr std::string_view kPersonsFile = "persons.csv";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kSignatureFile = "manifest.sig";

// The event types a release carries: the programme, assistance and outcome events. Consents,
// disclosures, referrals, erasure, restriction, keys and releases stay in the ledger.
bool IsReleasedType(std::string_view type);

// "ledger-release <release_id>\nmanifest-sha256 <hex>\n": the signed note's text.
std::string SignedText(std::string_view release_id, std::string_view manifest_sha256_hex);

// persons.csv: the header, and the columns the replay reads (the outcome columns follow).
std::string PersonsHeader(const std::vector<int>& horizons);
std::string PersonsRow(const ReleasePerson& p, const replay::PersonOutcome* outcome);
Result<std::vector<ReleasePerson>> ParsePersons(std::string_view csv);

// Municipality codes as a release gives them -> the 4-digit code the replay writes into
// case.opened: "3005" stays, a county "30xx" becomes "3000", "*" becomes "0000".
std::string ReplayMunicipality(std::string_view released);
// "18-20" -> 18, "21-24" -> 21, "18-24" -> 18: the age the replay writes.
int ReplayAge(std::string_view age_band);

// One line of events.jsonl -> a catalogue event (JSON) in the synthetic calendar of `person`;
// `ordinal` numbers the event within the release (its UUID). InvalidArgument if the line is not
// a released event.
Result<nlohmann::json> CatalogueEvent(const nlohmann::json& line, const ReleasePerson& person,
                                      uint64_t ordinal);

std::string Sha256Hex(std::string_view bytes);
// Lowercase hex of `bytes`.
std::string LowerHex(std::string_view bytes);
// SHA-256 (hex) and size of a file, read in blocks. NotFound if it is missing.
Result<std::pair<std::string, uint64_t>> HashFile(const std::string& path);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_RELEASE_FORMAT_H_
