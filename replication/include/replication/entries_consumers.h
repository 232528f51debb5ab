// Many consumers of one ledger stream's entries in one process, each as a backend service has
// its own: a durable JetStream push consumer of <stream>.log.entries (replication/messages.h)
// that delivers what is stored after it was created, with no acknowledgements. `ledger bench
// replicate` measures their delivery lag against the server's WebSocket subscribers
// (docs/replication.md, "Sizing").
//
// The consumers share a few connections and the NATS client's delivery pool, so a thousand of
// them run a handful of threads, not a thousand.
#ifndef REPLICATION_ENTRIES_CONSUMERS_H_
#define REPLICATION_ENTRIES_CONSUMERS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace ledger::replication {

struct EntriesConsumersOptions {
  std::string nats_urls;  // comma-separated servers of one cluster
  std::string stream = "LEDGER";
  int consumers = 1;
  // Consumer i is the durable consumer "<durable_prefix>-<i>" (A-Z a-z 0-9 _ -). It must not
  // exist yet: it is created here and deleted when the consumers stop.
  std::string durable_prefix = "entries";
  int consumers_per_connection = 100;
  // Threads of the NATS client's delivery pool (process-wide; it only grows).
  int delivery_threads = 2;
};

// One entries message as one consumer received it.
struct EntriesDelivery {
  int consumer = 0;         // 0 .. consumers - 1
  int64_t received_us = 0;  // NowMicros() when the message reached the consumer, before decoding
  uint64_t first_seq = 0;
  std::vector<std::string> entries;  // stored entry bytes (ledger/entry_reader.h), seq order
};

// Runs on a delivery pool thread. For one consumer, calls come one at a time in stream order;
// calls for different consumers may run at once.
using EntriesHandler = std::function<void(const EntriesDelivery&)>;

class EntriesConsumers {
 public:
  // Connects and creates every consumer before returning; on an error, those already created
  // are deleted again.
  static Result<std::unique_ptr<EntriesConsumers>> Start(const EntriesConsumersOptions& options,
                                                         EntriesHandler on_entries);
  // Deletes the consumers from the server; returns once no handler call runs any more.
  ~EntriesConsumers();
  EntriesConsumers(const EntriesConsumers&) = delete;
  EntriesConsumers& operator=(const EntriesConsumers&) = delete;

  // Messages that were not an entries message (missing headers, a body that is not that many
  // entries), all consumers together. They are not handed to the handler.
  uint64_t malformed() const;

  class Impl;

 private:
  explicit EntriesConsumers(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::replication

#endif  // REPLICATION_ENTRIES_CONSUMERS_H_
