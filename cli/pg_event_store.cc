#include "pg_event_store.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

namespace ledger::cli {
namespace {

constexpr char kSchema[] = R"sql(
DROP SCHEMA IF EXISTS ledger_bench CASCADE;
CREATE SCHEMA ledger_bench;
CREATE TABLE ledger_bench.streams (
  id text PRIMARY KEY,
  version int NOT NULL
);
CREATE TABLE ledger_bench.events (
  seq_id bigserial PRIMARY KEY,
  id uuid UNIQUE NOT NULL,
  stream_id text NOT NULL,
  version int NOT NULL,
  data jsonb NOT NULL,
  type text NOT NULL,
  "timestamp" timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version)
);
)sql";

// Moves a stream's version on by $2 events, making the stream when it is new; returns the new
// version, which the appender checks against the one it expects.
constexpr char kStreamAppend[] =
    "INSERT INTO ledger_bench.streams AS s (id, version) VALUES ($1, $2::int) "
    "ON CONFLICT (id) DO UPDATE SET version = s.version + excluded.version RETURNING version";

// The server's message without its trailing newline.
std::string ErrorText(const char* message) {
  std::string m = message == nullptr ? "" : message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m.empty() ? "unknown error" : m;
}

struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

Status CheckResult(const PGresult* r, PGconn* conn, std::string_view what) {
  const ExecStatusType s = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return Status::Ok();
  return Status::IOError(
      fmt::format("PostgreSQL, {}: {}", what,
                  ErrorText(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn))));
}

// Picks the top-level "type" and "stream" of an event's JSON body while parsing all of it.
class TypeAndStream : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string type, stream;

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t& v) override {
    if (depth_ == 1 && wanted_ != nullptr) *wanted_ = std::move(v);
    return Value();
  }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override { return Open(); }
  bool key(string_t& k) override {
    if (depth_ == 1) wanted_ = k == "type" ? &type : k == "stream" ? &stream : nullptr;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Value() {
    wanted_ = nullptr;
    return true;
  }
  bool Open() {
    wanted_ = nullptr;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  std::string* wanted_ = nullptr;
};

uint32_t BigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

// COPY's binary format: a signature, flags and a header extension, then per row a field count
// (int16; -1 ends the data) and per field its length (int32) and bytes.
constexpr std::string_view kCopySignature{"PGCOPY\n\377\r\n\0", 11};

class CopyRowParser {
 public:
  CopyRowParser(PgReplay& out, bool parse) : out_(out), parse_(parse) {}

  // Consumes what complete rows `data` (after any earlier remainder) holds.
  Status Feed(const char* data, size_t size) {
    if (pending_.empty()) {
      size_t used = 0;
      LEDGER_RETURN_IF_ERROR(Parse(data, size, &used));
      pending_.assign(data + used, size - used);
      return Status::Ok();
    }
    pending_.append(data, size);
    size_t used = 0;
    LEDGER_RETURN_IF_ERROR(Parse(pending_.data(), pending_.size(), &used));
    pending_.erase(0, used);
    return Status::Ok();
  }

  Status Finish() const {
    if (!ended_ || !pending_.empty()) return Status::Corruption("COPY data ended early");
    return Status::Ok();
  }

 private:
  Status Parse(const char* p, size_t n, size_t* used) {
    size_t at = 0;
    if (!header_done_) {
      if (n < kCopySignature.size() + 8) return Status::Ok();
      if (std::string_view(p, kCopySignature.size()) != kCopySignature) {
        return Status::Corruption("COPY data without the binary signature");
      }
      const uint32_t extension = BigEndian32(p + kCopySignature.size() + 4);
      if (n < kCopySignature.size() + 8 + extension) return Status::Ok();
      at = kCopySignature.size() + 8 + extension;
      header_done_ = true;
    }
    while (!ended_ && n - at >= 2) {
      const int16_t fields = static_cast<int16_t>((static_cast<unsigned char>(p[at]) << 8) |
                                                  static_cast<unsigned char>(p[at + 1]));
      if (fields == -1) {
        ended_ = true;
        at += 2;
        break;
      }
      if (fields != 4) return Status::Corruption(fmt::format("a COPY row of {} fields", fields));
      std::string_view f[4];
      size_t q = at + 2;
      bool complete = true;
      for (auto& field : f) {
        if (n - q < 4) {
          complete = false;
          break;
        }
        const uint32_t len = BigEndian32(p + q);
        q += 4;
        if (len == 0xffffffffu) return Status::Corruption("a NULL in an event row");
        if (n - q < len) {
          complete = false;
          break;
        }
        field = std::string_view(p + q, len);
        q += len;
      }
      if (!complete) break;
      LEDGER_RETURN_IF_ERROR(Row(f));
      at = q;
    }
    *used = at;
    return Status::Ok();
  }

  // seq_id (int8), stream_id, type, data (jsonb: a version byte, 1, then the JSON text).
  Status Row(const std::string_view (&f)[4]) {
    if (f[0].size() != 8) return Status::Corruption("a seq_id that is not 8 bytes");
    const uint64_t seq = (uint64_t{BigEndian32(f[0].data())} << 32) | BigEndian32(f[0].data() + 4);
    if (out_.events > 0 && seq <= last_seq_) return Status::Corruption("seq_id out of order");
    last_seq_ = seq;
    if (f[3].empty() || f[3][0] != 1) return Status::Corruption("jsonb of an unknown version");
    ++out_.events;
    if (!parse_) return Status::Ok();
    TypeAndStream body;
    const char* json = f[3].data() + 1;
    if (!nlohmann::json::sax_parse(json, json + f[3].size() - 1, &body)) {
      return Status::Corruption(fmt::format("event {}: its data is not JSON", seq));
    }
    if (body.type != f[2] || body.stream != f[1]) {
      return Status::Corruption(fmt::format("event {}: its data disagrees with its row", seq));
    }
    ++out_.per_type[body.type];
    ++out_.per_stream[body.stream];
    return Status::Ok();
  }

  PgReplay& out_;
  const bool parse_;
  std::string pending_;
  bool header_done_ = false, ended_ = false;
  uint64_t last_seq_ = 0;
};

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  if (raw == nullptr) return Status::Unavailable("cannot connect to PostgreSQL: out of memory");
  std::unique_ptr<PgConnection> conn(new PgConnection(raw));
  if (PQstatus(raw) != CONNECTION_OK) {
    return Status::Unavailable("cannot connect to PostgreSQL: " + ErrorText(PQerrorMessage(raw)));
  }
  // Every commit waits for its WAL flush, whatever the server's default.
  LEDGER_RETURN_IF_ERROR(
      conn->Exec("SET synchronous_commit = on; SET client_min_messages = warning"));
  return conn;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::Exec(const std::string& sql) {
  ResultPtr r(PQexec(conn_, sql.c_str()));
  return CheckResult(r.get(), conn_, sql.substr(0, sql.find_first_of(";\n")));
}

Result<std::string> PgConnection::QueryValue(const std::string& sql) {
  ResultPtr r(PQexec(conn_, sql.c_str()));
  LEDGER_RETURN_IF_ERROR(CheckResult(r.get(), conn_, sql));
  if (PQntuples(r.get()) < 1 || PQnfields(r.get()) < 1) {
    return Status::NotFound("PostgreSQL returned no value for " + sql);
  }
  return std::string(PQgetvalue(r.get(), 0, 0));
}

Status ResetPgSchema(PgConnection& conn) { return conn.Exec(kSchema); }

Status DropPgSchema(PgConnection& conn) {
  return conn.Exec("DROP SCHEMA IF EXISTS ledger_bench CASCADE");
}

Result<std::unique_ptr<PgAppender>> PgAppender::Create(PgConnection& conn, size_t batch) {
  std::unique_ptr<PgAppender> a(new PgAppender(conn));
  ResultPtr r(PQprepare(conn.raw(), "stream_append", kStreamAppend, 0, nullptr));
  LEDGER_RETURN_IF_ERROR(CheckResult(r.get(), conn.raw(), "prepare stream_append"));
  LEDGER_RETURN_IF_ERROR(a->PrepareInsert(batch));
  return a;
}

Status PgAppender::PrepareInsert(size_t rows) {
  if (insert_statements_.count(rows)) return Status::Ok();
  std::string sql = "INSERT INTO ledger_bench.events (id, stream_id, version, data, type) VALUES ";
  for (size_t i = 0; i < rows; ++i) {
    const size_t p = 5 * i;
    sql += fmt::format("{}(${}::uuid, ${}, ${}::int, ${}::jsonb, ${})", i ? "," : "", p + 1, p + 2,
                       p + 3, p + 4, p + 5);
  }
  const std::string name = fmt::format("insert_{}", rows);
  ResultPtr r(PQprepare(conn_.raw(), name.c_str(), sql.c_str(), 0, nullptr));
  LEDGER_RETURN_IF_ERROR(CheckResult(r.get(), conn_.raw(), "prepare " + name));
  insert_statements_.emplace(rows, name);
  return Status::Ok();
}

Status PgAppender::AppendBatch(const std::vector<const PgEvent*>& events) {
  if (events.empty()) return Status::Ok();
  // 5 parameters a row: PostgreSQL takes at most 65535 parameters a statement.
  if (events.size() > 13107) return Status::InvalidArgument("a batch of over 13,107 events");
  LEDGER_RETURN_IF_ERROR(PrepareInsert(events.size()));
  // The batch's streams in order of first appearance, with their event counts; each event's
  // version follows its stream's version before the batch.
  struct Run {
    const std::string* stream;
    int before, count;
  };
  std::vector<Run> runs;
  std::unordered_map<std::string_view, size_t> run_of;
  std::vector<std::string> versions;
  versions.reserve(events.size());
  for (const PgEvent* e : events) {
    auto [it, fresh] = run_of.emplace(e->stream, runs.size());
    if (fresh) {
      auto known = versions_.find(e->stream);
      runs.push_back({&e->stream, known == versions_.end() ? 0 : known->second, 0});
    }
    Run& run = runs[it->second];
    ++run.count;
    versions.push_back(std::to_string(run.before + run.count));
  }
  std::vector<std::string> counts;
  counts.reserve(runs.size());
  for (const Run& run : runs) counts.push_back(std::to_string(run.count));
  std::vector<const char*> values;
  values.reserve(5 * events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    values.insert(values.end(),
                  {events[i]->id.c_str(), events[i]->stream.c_str(), versions[i].c_str(),
                   events[i]->json->c_str(), events[i]->type.c_str()});
  }

  PGconn* c = conn_.raw();
  if (PQenterPipelineMode(c) != 1) {
    return Status::IOError("PostgreSQL: cannot enter pipeline mode: " +
                           ErrorText(PQerrorMessage(c)));
  }
  bool sent = PQsendQueryParams(c, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  for (size_t i = 0; sent && i < runs.size(); ++i) {
    const char* p[2] = {runs[i].stream->c_str(), counts[i].c_str()};
    sent = PQsendQueryPrepared(c, "stream_append", 2, p, nullptr, nullptr, 0) == 1;
  }
  sent = sent && PQsendQueryPrepared(c, insert_statements_[events.size()].c_str(),
                                     static_cast<int>(values.size()), values.data(), nullptr,
                                     nullptr, 0) == 1;
  sent = sent && PQsendQueryParams(c, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  sent = sent && PQpipelineSync(c) == 1;
  if (!sent) {
    Status s = Status::IOError("PostgreSQL: cannot send a batch: " + ErrorText(PQerrorMessage(c)));
    PQexitPipelineMode(c);
    return s;
  }

  // The commands' results in order (each followed by a null), then the sync.
  Status failed;
  std::string mismatch;
  const size_t commands = runs.size() + 3;
  for (size_t i = 0; i < commands; ++i) {
    ResultPtr r(PQgetResult(c));
    if (r == nullptr) {
      failed = Status::IOError("PostgreSQL: a batch's result is missing: " +
                               ErrorText(PQerrorMessage(c)));
      break;
    }
    const bool is_stream = i >= 1 && i <= runs.size();
    if (failed.ok() && PQresultStatus(r.get()) != PGRES_PIPELINE_ABORTED) {
      failed = CheckResult(r.get(), c,
                           i == 0              ? "BEGIN"
                           : is_stream         ? "stream version"
                           : i == commands - 2 ? "insert events"
                                               : "COMMIT");
    }
    if (failed.ok() && is_stream) {
      const Run& run = runs[i - 1];
      const int now = PQntuples(r.get()) == 1 ? std::atoi(PQgetvalue(r.get(), 0, 0)) : -1;
      if (now != run.before + run.count && mismatch.empty()) {
        mismatch = fmt::format("stream {} is at version {}, expected {}", *run.stream, now,
                               run.before + run.count);
      }
    }
    while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  }
  ResultPtr sync(PQgetResult(c));
  if (failed.ok() && (sync == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)) {
    failed = Status::IOError("PostgreSQL: a batch ended without its sync");
  }
  PQexitPipelineMode(c);
  if (!failed.ok()) {
    // The failed transaction block stays open until rolled back.
    ResultPtr rollback(PQexec(c, "ROLLBACK"));
    return failed;
  }
  if (!mismatch.empty()) return Status::Conflict(mismatch);
  for (const Run& run : runs) versions_[*run.stream] = run.before + run.count;
  return Status::Ok();
}

Result<PgReplay> ReplayPgEvents(PgConnection& conn, bool parse) {
  PGconn* c = conn.raw();
  ResultPtr start(PQexec(c,
                         "COPY (SELECT seq_id, stream_id, type, data FROM ledger_bench.events "
                         "ORDER BY seq_id) TO STDOUT (FORMAT binary)"));
  if (start == nullptr || PQresultStatus(start.get()) != PGRES_COPY_OUT) {
    Status s = CheckResult(start.get(), c, "COPY events TO STDOUT");
    return s.ok() ? Status::IOError("PostgreSQL: COPY events TO STDOUT sent no data") : s;
  }
  PgReplay out;
  CopyRowParser parser(out, parse);
  Status failed;
  for (;;) {
    char* chunk = nullptr;
    const int n = PQgetCopyData(c, &chunk, 0);
    if (n < 0) {
      if (n == -2) failed = Status::IOError("PostgreSQL: COPY: " + ErrorText(PQerrorMessage(c)));
      break;
    }
    if (failed.ok()) failed = parser.Feed(chunk, static_cast<size_t>(n));
    PQfreemem(chunk);
  }
  ResultPtr done(PQgetResult(c));
  LEDGER_RETURN_IF_ERROR(CheckResult(done.get(), c, "COPY events TO STDOUT"));
  while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  LEDGER_RETURN_IF_ERROR(failed);
  LEDGER_RETURN_IF_ERROR(parser.Finish());
  return out;
}

}  // namespace ledger::cli
