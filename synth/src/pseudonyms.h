// Pseudonymous identifiers: the subject reference of a participant, event UUIDs, and staff and
// office ids. None of them is derived from a person's identity; all come from the seed.
#ifndef LEDGER_SYNTH_PSEUDONYMS_H_
#define LEDGER_SYNTH_PSEUDONYMS_H_

#include <cstdint>
#include <string>

namespace ledger::synth {

// "y" followed by 10 lowercase base32 characters (RFC 4648 alphabet). The 50 bits are a keyed
// bijection of the participant index, so two participants of one cohort never share a subject,
// and the leading letter means a subject is never all digits.
// REQUIRES: participant < 2^50.
std::string SubjectRef(uint64_t seed, uint64_t participant);

// A version-4-shaped UUID (lowercase 8-4-4-4-12) from two random words.
std::string FormatUuid(uint64_t hi, uint64_t lo);

// "<prefix>-<n>" with n zero-padded to at least `width` digits ("cw-003").
std::string NumberedId(const char* prefix, int n, int width);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_PSEUDONYMS_H_
