// The witness's HTTP/1.1 service (`ledger witness serve`): c2sp.org/tlog-witness
// add-checkpoint over plain HTTP, meant to listen on loopback or behind a TLS-terminating proxy
// or c2sp.org/https-bastion.
//
// Routes: POST /add-checkpoint (protocol.h); any other path is 404 and any other method on it
// 405. Keep-alive connections are served one request at a time, each read under a deadline,
// each body bounded; a body over the limit gets 413 and the connection is closed.
//
// Threads: one network thread runs every connection (one coroutine each) and one worker thread
// runs the state updates, whose fsync must not stall the network thread.
#ifndef WITNESS_HTTP_SERVER_H_
#define WITNESS_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/note.h"

namespace witness {

class WitnessState;

struct WitnessServerOptions {
  std::string address = "127.0.0.1";     // loopback unless told otherwise
  uint16_t port = 0;                     // 0: an ephemeral port; see WitnessServer::port()
  std::string witness_name;              // cosigner key name
  std::string witness_seed;              // 32-byte Ed25519 seed
  std::string state_path;                // the state file (state_store.h); its directory must exist
  std::vector<tlog::NoteVerifier> logs;  // Ed25519 keys named by origin (witness_state.h)

  size_t max_body_bytes = 64 * 1024;
  // Deadline for each request (headers and body) once its first byte may arrive, including the
  // wait for the next request on a kept-alive connection; and for writing each response.
  std::chrono::milliseconds io_timeout{10000};
  // POSIX seconds for cosignature timestamps; called on the worker thread.
  std::function<uint64_t()> now_seconds;  // empty: the system clock
  // Receives one line per refused request that a log operator may want to see (a 422 may be
  // evidence of log misbehaviour, which the spec lets a witness keep). Called on the network
  // thread. Empty: nothing is reported.
  std::function<void(std::string_view)> log;
};

// A running witness. Move-only resource: destroy (or Stop) to shut it down.
class WitnessServer {
 public:
  ~WitnessServer();  // Stop()s.
  WitnessServer(const WitnessServer&) = delete;
  WitnessServer& operator=(const WitnessServer&) = delete;

  // The bound port (the ephemeral one if options.port was 0).
  uint16_t port() const;
  // The witness's cosignature key (type 0x04), for clients to verify its cosignatures.
  const tlog::NoteVerifier& verifier() const;

  // Closes the listening socket and every connection, lets in-flight state updates finish and
  // joins the threads. A request whose update finished may lose its response; its checkpoint is
  // still recorded (the log then sees 409 with the new size and retries). Idempotent.
  // Must not be called from the `log` callback (it runs on the thread Stop joins).
  void Stop();

 private:
  class Impl;
  friend ledger::Result<std::unique_ptr<WitnessServer>> StartWitnessServer(
      WitnessServerOptions options);
  explicit WitnessServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// Opens the state file, binds, listens and starts serving. InvalidArgument for bad options or
// keys, the state's error if it cannot load (Corruption for a damaged file), IOError if it cannot
// bind or listen.
ledger::Result<std::unique_ptr<WitnessServer>> StartWitnessServer(WitnessServerOptions options);

}  // namespace witness

#endif  // WITNESS_HTTP_SERVER_H_
