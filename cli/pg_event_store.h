// The PostgreSQL side of `ledger bench compare`: a Marten-style event store (docs/cli.md,
// "bench compare") reached through libpq. Schema `ledger_bench` (dropped and made afresh by
// Reset):
//
//   streams (id text primary key, version int not null)
//   events  (seq_id bigserial primary key, id uuid unique not null, stream_id text not null,
//            version int not null, data jsonb not null, type text not null,
//            timestamp timestamptz not null default now(), unique (stream_id, version))
//
// An append of a batch is one transaction, sent as one libpq pipeline (one round trip, one
// commit): BEGIN; per stream in the batch, the stream's version moved on by its events
// (inserted when new: INSERT .. ON CONFLICT DO UPDATE SET version = version + k RETURNING
// version, checked against the version the appender expects, as Marten's append does); one
// multi-row INSERT of the batch's events with their stream versions; COMMIT. The unique
// (stream_id, version) and id constraints refuse a concurrent or repeated append.
#ifndef LEDGER_CLI_PG_EVENT_STORE_H_
#define LEDGER_CLI_PG_EVENT_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"

struct pg_conn;  // libpq's PGconn, kept out of this header

namespace ledger::cli {

// One event as the store takes it: a UUID, its stream, its type and its JSON body.
struct PgEvent {
  std::string id;
  std::string stream;
  std::string type;
  const std::string* json = nullptr;  // not owned; outlives the appends
};

// One libpq connection, closed by the destructor.
class PgConnection {
 public:
  // Connects and insists on synchronous_commit=on for the session; Unavailable, naming the
  // server's complaint, when it cannot connect.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs SQL that returns no rows (several statements allowed).
  Status Exec(const std::string& sql);
  // The first column of the first row of a query (e.g. SHOW fsync).
  Result<std::string> QueryValue(const std::string& sql);

  pg_conn* raw() const { return conn_; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
};

// Drops the schema `ledger_bench` if it exists and makes it afresh with empty tables.
Status ResetPgSchema(PgConnection& conn);
// Drops the schema `ledger_bench`.
Status DropPgSchema(PgConnection& conn);

// Appends batches over one connection; keeps the versions of the streams it has appended to,
// so it must be the only writer of those streams (the benchmark gives each stream to one
// client, as on the ledger side).
class PgAppender {
 public:
  // Prepares the statements on `conn`.
  static Result<std::unique_ptr<PgAppender>> Create(PgConnection& conn, size_t batch);

  // One transaction: the events, in order, or none of them (the error names why).
  Status AppendBatch(const std::vector<const PgEvent*>& events);

 private:
  explicit PgAppender(PgConnection& conn) : conn_(conn) {}
  Status PrepareInsert(size_t rows);

  PgConnection& conn_;
  std::map<size_t, std::string> insert_statements_;  // by rows
  std::unordered_map<std::string, int> versions_;    // by stream
};

// What reading every event back gave: a trivial projection of the events' JSON bodies.
struct PgReplay {
  uint64_t events = 0;
  std::map<std::string, uint64_t> per_type;
  std::unordered_map<std::string, uint64_t> per_stream;
};

// Reads every event back in seq_id order (COPY .. TO STDOUT, binary) and parses each body
// (a full JSON parse of the jsonb text, with nlohmann::json's SAX parser), counting events per
// type and per stream from it. Corruption if a body is not JSON or disagrees with its row's
// type or stream. With `parse` false it only counts the rows: the read alone.
Result<PgReplay> ReplayPgEvents(PgConnection& conn, bool parse = true);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_PG_EVENT_STORE_H_
