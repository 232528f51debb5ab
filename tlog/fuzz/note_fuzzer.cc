// Feeds arbitrary bytes to every text and binary parser of the signed-note family and checks
// that none crashes and that whatever one accepts formats back to the same bytes (the parsers
// promise one accepted text per value). Verification runs against a fixed Ed25519 key and a
// fixed cosignature key so that signature lines that happen to name them reach the verifiers.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "tlog/proof_file.h"
#include "tlog/tiles.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

const std::vector<tlog::NoteVerifier>& Known() {
  static const auto* known = new std::vector<tlog::NoteVerifier>{
      tlog::ParseVerifierKey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .value(),
      tlog::ParseVerifierKey(
          "witness.example.com/w1+969980cf+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X")
          .value(),
  };
  return *known;
}

void FuzzNote(std::string_view in) {
  auto note = tlog::ParseNote(in);
  if (!note.ok()) return;
  Check(tlog::FormatNote(*note) == in);
  std::vector<tlog::NoteVerifier> verified_by;
  tlog::VerifyNote(*note, Known(), &verified_by).IgnoreError();
  for (const tlog::NoteSignature& sig : note->signatures) {
    for (const tlog::NoteVerifier& v : Known()) {
      if (v.alg == tlog::kAlgCosignatureV1) {
        tlog::VerifyCosignature(note->text, sig, v).status().IgnoreError();
      }
    }
  }
  auto checkpoint = tlog::OpenCheckpoint(in, Known()[0], nullptr);
  if (checkpoint.ok()) Check(tlog::FormatCheckpointBody(*checkpoint) == note->text);
}

void FuzzCheckpoint(std::string_view in) {
  auto checkpoint = tlog::ParseCheckpointBody(in);
  if (!checkpoint.ok()) return;
  Check(tlog::ValidateCheckpoint(*checkpoint).ok());
  Check(tlog::FormatCheckpointBody(*checkpoint) == in);
}

void FuzzProofFile(std::string_view in) {
  auto proof = tlog::ParseProofFile(in);
  if (!proof.ok()) return;
  Check(tlog::FormatProofFile(*proof) == in);
}

void FuzzTiles(std::string_view in) {
  if (auto tile = tlog::ParseTilePath(in); tile.ok()) {
    Check(tlog::TilePath(tile->level, tile->index, tile->width) == in);
  }
  if (auto bundle = tlog::ParseEntryBundlePath(in); bundle.ok()) {
    Check(tlog::EntryBundlePath(bundle->index, bundle->width) == in);
  }
  if (auto entries = tlog::DecodeEntryBundle(in); entries.ok()) {
    auto encoded = tlog::EncodeEntryBundle(*entries);
    Check(encoded.ok() && *encoded == in);
  }
  if (auto hashes = tlog::DecodeHashTile(in); hashes.ok()) {
    Check(tlog::EncodeHashTile(*hashes) == in);
  }
}

void FuzzVerifierKey(std::string_view in) {
  auto key = tlog::ParseVerifierKey(in);
  if (!key.ok()) return;
  Check(tlog::FormatVerifierKey(*key) == in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  FuzzNote(in);
  FuzzCheckpoint(in);
  FuzzProofFile(in);
  FuzzTiles(in);
  FuzzVerifierKey(in);
  return 0;
}
