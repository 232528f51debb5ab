// Fuzz target: a release's manifest.json and manifest.sig as `ledger replay` reads them
// (ParseManifest, tlog::ParseNote, ParseSignedText). Whatever the bytes, the parsers return a
// Status; a crash, a sanitizer report or an escaping exception is a finding. docs/testing.md
// says how to run it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "manifest.h"
#include "release_format.h"
#include "tlog/note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = ledger::release::internal::ParseManifest(text);
  if (manifest.ok()) {
    // Invariant: what the parser accepts is what an export could have written.
    if (manifest->files.size() < 2 || manifest->persons == 0) __builtin_trap();
  }
  // The same bytes as the signature file: the note's grammar, then the signed text's.
  auto note = tlog::ParseNote(text);
  if (note.ok()) (void)ledger::release::internal::ParseSignedText(note->text);
  (void)ledger::release::internal::ParseSignedText(text);
  return 0;
}
