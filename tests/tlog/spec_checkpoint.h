// The golden checkpoint the tlog tests share: c2sp.org/tlog-checkpoint's example body, a log key
// with seed 00 01 .. 1f and a witness key (type 0x04) with seed 20 21 .. 3f, and the signature
// lines an independent Ed25519 implementation (Python's cryptography package) made with them,
// the witness's at time 1679315147.
#ifndef LEDGER_TESTS_TLOG_SPEC_CHECKPOINT_H_
#define LEDGER_TESTS_TLOG_SPEC_CHECKPOINT_H_

#include <string>

namespace tlog::testing {

inline const std::string kSpecBody =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

// 32 bytes: first, first + 1, ..., first + 31.
inline std::string SeedFrom(char first) {
  std::string seed(32, '\0');
  for (int i = 0; i < 32; ++i) seed[static_cast<size_t>(i)] = static_cast<char>(first + i);
  return seed;
}

inline constexpr const char* kSpecLogKey =
    "example.com/behind-the-sofa+1f59e8f5+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
inline constexpr const char* kSpecWitness = "witness.example.com/w1";
inline constexpr const char* kSpecWitnessKey =
    "witness.example.com/w1+969980cf+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X";
inline const std::string kSpecLogSigLine =
    "\xe2\x80\x94 example.com/behind-the-sofa "
    "H1no9Vbha/V7K+0nOUyOYWY2eeqkJO0R/8eVdJBP1U6klJ63rYHH36AjiNbqMeYZ5wXtNMpYFqOQG4s/"
    "igFrnBBp3AU=\n";
inline const std::string kSpecWitnessSigLine =
    "\xe2\x80\x94 witness.example.com/w1 "
    "lpmAzwAAAABkGFDL6ade/xdmW0GepsICyPher/bBsso0aCocxkD4MgnQ2J3N/"
    "61CxrucC0uO4wzUWe3K7XvjkEYtewKXIfP/"
    "U7l4Cw==\n";

}  // namespace tlog::testing

#endif  // LEDGER_TESTS_TLOG_SPEC_CHECKPOINT_H_
