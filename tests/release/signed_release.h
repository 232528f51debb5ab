// A small release directory for tests of the evaluator's side (release/release.h OpenRelease,
// `ledger replay`): built from the fuzz seeds in tests/fuzz/corpus/ (made from the demo's
// release), with a manifest that agrees with its files, signed by a key of the test's own. A test
// changes any part (the manifest as JSON or as text, a line, an extra file) and writes it again:
// the manifest's file list and hashes follow the files unless the test says otherwise, so a
// hostile release is as well signed as a real one and what is tested is its reader.
// A target that includes this header must define LEDGER_FUZZ_CORPUS (tests/fuzz/corpus).
#ifndef LEDGER_TESTS_RELEASE_SIGNED_RELEASE_H_
#define LEDGER_TESTS_RELEASE_SIGNED_RELEASE_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../test_files.h"
#include "base/sha256.h"
#include "ledger/signing_key.h"
#include "tlog/note.h"

#ifndef LEDGER_FUZZ_CORPUS
#error "LEDGER_FUZZ_CORPUS must name tests/fuzz/corpus"
#endif

namespace ledger::release_testing {

inline std::string ReadSeed(const std::string& relative) {
  return testing::ReadWholeFile(std::filesystem::path(LEDGER_FUZZ_CORPUS) / relative);
}

inline std::string Sha256Hex(const std::string& bytes) { return ledger::Sha256Hex(bytes); }

struct SignedRelease {
  nlohmann::ordered_json manifest;
  std::string manifest_text;        // if not empty: written as manifest.json instead of `manifest`
  std::string persons;              // persons.csv
  std::vector<std::string> events;  // the lines of events.jsonl, without their '\n'
  std::map<std::string, std::string> extra_files;
  bool list_files = true;  // set manifest.files from events.jsonl and persons.csv
  bool sign = true;        // write manifest.sig over this manifest (else keep the one there)

  // The seed `name` of tests/fuzz/corpus/release_files_fuzz (persons.csv NUL events.jsonl)
  // with the demo's manifest, its counts made to agree.
  static SignedRelease FromSeed(const std::string& name = "one_person") {
    SignedRelease r;
    const std::string seed = ReadSeed("release_files_fuzz/" + name);
    const size_t nul = seed.find('\0');
    r.persons = seed.substr(0, nul);
    std::istringstream lines(seed.substr(nul + 1));
    for (std::string line; std::getline(lines, line);) r.events.push_back(line);
    r.manifest = nlohmann::ordered_json::parse(ReadSeed("release_manifest_fuzz/manifest.json"));
    size_t persons = 0;
    for (char c : r.persons) persons += c == '\n';
    --persons;  // the header
    auto& counts = r.manifest["counts"];
    counts["cohort"] = persons;
    counts["persons"] = persons;
    counts["suppressed"] = 0;
    for (auto& [why, n] : counts["excluded"].items()) n = 0;
    counts["events"] = r.events.size();
    r.manifest["release_log"]["size"] = r.events.size();
    return r;
  }

  std::string EventsText() const {
    std::string text;
    for (const std::string& line : events) text += line + "\n";
    return text;
  }

  // Writes the release into `dir` (created if needed), signed by `key` when `sign` is set.
  void Write(const std::filesystem::path& dir, const SigningKey& key) {
    std::filesystem::create_directories(dir);
    const std::string events_text = EventsText();
    if (list_files) {
      manifest["files"] = {
          {"events.jsonl", {{"bytes", events_text.size()}, {"sha256", Sha256Hex(events_text)}}},
          {"persons.csv", {{"bytes", persons.size()}, {"sha256", Sha256Hex(persons)}}}};
    }
    const std::string text = manifest_text.empty() ? manifest.dump(2) + "\n" : manifest_text;
    Put(dir / "manifest.json", text);
    Put(dir / "events.jsonl", events_text);
    Put(dir / "persons.csv", persons);
    for (const auto& [name, bytes] : extra_files) Put(dir / name, bytes);
    if (sign) {
      tlog::Note note;
      const std::string id = manifest.contains("release_id") && manifest["release_id"].is_string()
                                 ? manifest["release_id"].get<std::string>()
                                 : "x";
      note.text = "ledger-release " + id + "\nmanifest-sha256 " + Sha256Hex(text) + "\n";
      note.signatures.push_back(tlog::SignNoteEd25519(note.text, key.name(), key.seed()));
      Put(dir / "manifest.sig", tlog::FormatNote(note));
    }
  }

  static void Put(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
};

// A line nested `depth` levels deep inside `data` of an otherwise valid event line.
inline std::string NestedLine(const std::string& person, size_t depth) {
  std::string line = "{\"person\":\"" + person +
                     "\",\"day\":1,\"type\":\"phase.entered\",\"actor\":{\"id\":\"a\",\"role\":"
                     "\"caseworker\"},\"legal_basis\":[],\"data\":{\"phase\":";
  line += std::string(depth, '[');
  line += std::string(depth, ']');
  line += "}}";
  return line;
}

}  // namespace ledger::release_testing

#endif  // LEDGER_TESTS_RELEASE_SIGNED_RELEASE_H_
