// Fuzz target: what a replica reads from a JetStream stream that anyone with write access to it
// could have put there: an entries message's body (DecodeEntries), an identity note
// (OpenIdentity), and entries with a checkpoint handed to a replica (EventLog::AppendReplicated).
// Whatever the bytes, they are refused with a Status and nothing is stored; a crash, a sanitizer
// report or an escaping exception is a finding. docs/testing.md says how to run it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "replication/messages.h"

namespace {

// A replica of a ledger with a key of its own (no input can carry a valid signature by it).
struct Target {
  ledger::SigningKey key = ledger::SigningKey::Generate("fuzz.example/ledger").value();
  std::unique_ptr<ledger::Ledger> replica =
      ledger::Ledger::CreateReplica(
          "", {key.name(), key.public_key(), std::string("\x01\x02\x03\x04", 4), 3})
          .value();
  std::string vkey = key.verifier().ToString();
};

Target& Fuzzed() {
  static Target* target = new Target();
  return *target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const uint64_t count = data[0];
  auto entries = ledger::replication::DecodeEntries(text, count);
  if (entries.ok() && entries->size() != count) __builtin_trap();
  Target& t = Fuzzed();
  (void)ledger::replication::OpenIdentity(text, t.vkey);
  // The first half as entries, the rest as the checkpoint: never stored (no valid signature).
  const size_t half = text.size() / 2;
  auto some = ledger::replication::DecodeEntries(text.substr(0, half), count);
  ledger::Status stored = t.replica->log().AppendReplicated(
      some.ok() ? *some : std::vector<std::string>{std::string(text.substr(0, half))},
      text.substr(half));
  if (stored.ok() || t.replica->log().Size() != 0) __builtin_trap();
  return 0;
}
