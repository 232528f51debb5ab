#include "replication/entries_consumers.h"

#include <algorithm>
#include <atomic>

#include "ledger/time_format.h"
#include "nats_client.h"
#include "replication/messages.h"

namespace ledger::replication {

class EntriesConsumers::Impl {
 public:
  explicit Impl(EntriesHandler on_entries) : on_entries_(std::move(on_entries)) {}
  // Invariant: the subscriptions go first; each waits for its last handler call, which uses
  // this object and the connection under it.
  ~Impl() {
    subscriptions_.clear();
    connections_.clear();
  }

  Status Start(const EntriesConsumersOptions& o) {
    const StreamSubjects subjects(o.stream);
    const int per_connection = std::max(1, o.consumers_per_connection);
    internal::NatsConnectOptions co;
    co.shared_delivery_threads = std::max(1, o.delivery_threads);
    for (int i = 0; i < o.consumers; ++i) {
      if (i % per_connection == 0) {
        LEDGER_ASSIGN_OR_RETURN(
            auto connection,
            internal::NatsConnection::Connect(
                o.nats_urls, o.durable_prefix + "-connection-" + std::to_string(i / per_connection),
                co));
        connections_.push_back(std::move(connection));
      }
      LEDGER_ASSIGN_OR_RETURN(
          auto subscription,
          connections_.back()->SubscribeDurablePush(
              o.stream, subjects.entries(), o.durable_prefix + "-" + std::to_string(i),
              [this, i](internal::NatsMessage m) { Deliver(i, m); }));
      subscriptions_.push_back(std::move(subscription));
    }
    return Status::Ok();
  }

  uint64_t malformed() const { return malformed_.load(std::memory_order_relaxed); }

 private:
  void Deliver(int consumer, const internal::NatsMessage& m) {
    EntriesDelivery d;
    d.consumer = consumer;
    d.received_us = NowMicros();
    auto first = m.NumberHeader(kFirstSeqHeader);
    auto count = m.NumberHeader(kCountHeader);
    if (!first.ok() || !count.ok()) {
      malformed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto entries = DecodeEntries(m.data, *count);
    if (!entries.ok()) {
      malformed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    d.first_seq = *first;
    d.entries = std::move(entries).value();
    on_entries_(d);
  }

  const EntriesHandler on_entries_;
  std::atomic<uint64_t> malformed_{0};
  std::vector<std::unique_ptr<internal::NatsConnection>> connections_;
  std::vector<std::unique_ptr<internal::NatsSubscription>> subscriptions_;
};

Result<std::unique_ptr<EntriesConsumers>> EntriesConsumers::Start(
    const EntriesConsumersOptions& options, EntriesHandler on_entries) {
  LEDGER_RETURN_IF_ERROR(ValidateStreamName(options.stream));
  LEDGER_RETURN_IF_ERROR(ValidateStreamName(options.durable_prefix).WithContext("durable prefix"));
  if (options.consumers < 1) return Status::InvalidArgument("at least one consumer is needed");
  auto impl = std::make_unique<Impl>(std::move(on_entries));
  LEDGER_RETURN_IF_ERROR(impl->Start(options));
  return std::unique_ptr<EntriesConsumers>(new EntriesConsumers(std::move(impl)));
}

EntriesConsumers::EntriesConsumers(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EntriesConsumers::~EntriesConsumers() = default;

uint64_t EntriesConsumers::malformed() const { return impl_->malformed(); }

}  // namespace ledger::replication
