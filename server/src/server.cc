#include "server/server.h"

#include <pthread.h>
#include <sys/resource.h>

#include <exception>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "server/token_store.h"
#include "server_core.h"

namespace ledger::server {

using internal::ServerCore;

class Server::Impl {
 public:
  explicit Impl(std::unique_ptr<ServerCore> core) : core_(std::move(core)) {}
  ~Impl() { Stop(); }

  Status Listen() {
    LEDGER_RETURN_IF_ERROR(Bind(http_acceptor_, core_->options.http_port, &http_port_));
    if (core_->options.binary_port) {
      LEDGER_RETURN_IF_ERROR(Bind(binary_acceptor_, *core_->options.binary_port, &binary_port_));
    }
    if (!core_->options.tls_cert_file.empty()) {
      tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
      net::error_code ec;
      tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                            net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                            net::ssl::context::no_tlsv1_1,
                        ec);
      tls_->use_certificate_chain_file(core_->options.tls_cert_file, ec);
      if (ec) {
        return Status::InvalidArgument("TLS certificate " + core_->options.tls_cert_file + ": " +
                                       ec.message());
      }
      tls_->use_private_key_file(core_->options.tls_key_file, net::ssl::context::pem, ec);
      if (ec) {
        return Status::InvalidArgument("TLS key " + core_->options.tls_key_file + ": " +
                                       ec.message());
      }
    }
    return Status::Ok();
  }

  void Start() {
    core_->hub->Start();
    core_->revocations->Start();
    core_->heap_trimmer.Start();
    net::asio::co_spawn(http_acceptor_.get_executor(), AcceptLoop(http_acceptor_, false),
                        net::asio::detached);
    if (core_->options.binary_port) {
      net::asio::co_spawn(binary_acceptor_.get_executor(), AcceptLoop(binary_acceptor_, true),
                          net::asio::detached);
    }
    for (int i = 0; i < std::max(1, core_->options.network_threads); ++i) {
      threads_.emplace_back([this] {
        // Named for top -H, perf and /proc/<pid>/task/*/comm (at most 15 characters).
        ::pthread_setname_np(::pthread_self(), "ledger-net");
        for (;;) {
          try {
            ioc_.run();
            return;
          } catch (const std::exception& e) {
            core_->Log(std::string("network thread: ") + e.what());
          }
        }
      });
    }
  }

  void Stop() LEDGER_EXCLUDES(stop_mu_) {
    MutexLock lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    core_->stopping = true;
    // 1. Stop accepting.
    net::asio::post(acceptor_strand_, [this] {
      net::error_code ignored;
      http_acceptor_.close(ignored);
      binary_acceptor_.close(ignored);
    });
    // 2. Let requests in flight finish: an acknowledged append must get its answer.
    WaitFor([this] { return core_->in_flight.load() <= 0; }, std::chrono::seconds(30));
    // 3. Subscribers send their final position and end.
    core_->hub->Stop();
    WaitFor([this] { return core_->hub->subscribers() == 0; }, std::chrono::seconds(3));
    // 4. Close what is left (idle keep-alive connections, stuck peers). The revocation watch
    // stops first: it reads the ledger, which goes below (sessions still Remove themselves).
    core_->revocations->Stop();
    core_->heap_trimmer.Stop();
    {
      MutexLock connections(core_->connections_mu);
      for (auto& [id, closer] : core_->connections) closer();
    }
    WaitFor([this] { return core_->metrics.connections() <= 0; }, std::chrono::seconds(3));
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    core_->workers->join();
    core_->reports->Join();
    // 5. The ledger: flush and close (it signs a last checkpoint when it has the key).
    // (A read-only ledger has nothing to flush.)
    if (core_->ledger && !core_->options.ledger_options.read_only) {
      Status flushed = core_->ledger->log().Flush();
      if (!flushed.ok()) core_->Log("flush on stop: " + flushed.ToString());
    }
    core_->api.reset();
    core_->hub.reset();
    core_->ledger.reset();
  }

  uint16_t http_port() const { return http_port_; }
  uint16_t binary_port() const { return binary_port_; }
  Ledger& ledger() { return *core_->ledger; }

 private:
  template <typename Pred>
  static void WaitFor(Pred done, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  Status Bind(net::tcp::acceptor& acceptor, uint16_t port, uint16_t* bound) {
    net::error_code ec;
    const auto address = net::asio::ip::make_address(core_->options.address, ec);
    if (ec) return Status::InvalidArgument("bad listen address " + core_->options.address);
    const net::tcp::endpoint endpoint(address, port);
    const std::string where = core_->options.address + " port " + std::to_string(port);
    if (acceptor.open(endpoint.protocol(), ec); ec) {
      return Status::IOError("cannot open socket: " + ec.message());
    }
    if (acceptor.set_option(net::tcp::acceptor::reuse_address(true), ec); ec) {
      return Status::IOError("cannot set SO_REUSEADDR: " + ec.message());
    }
    if (acceptor.bind(endpoint, ec); ec) {
      return Status::IOError("cannot bind " + where + ": " + ec.message());
    }
    if (acceptor.listen(net::asio::socket_base::max_listen_connections, ec); ec) {
      return Status::IOError("cannot listen on " + where + ": " + ec.message());
    }
    *bound = acceptor.local_endpoint().port();
    return Status::Ok();
  }

  net::asio::awaitable<void> AcceptLoop(net::tcp::acceptor& acceptor, bool binary) {
    for (;;) {
      net::error_code ec;
      // Each connection gets its own strand: its coroutines never run concurrently.
      auto strand = net::asio::make_strand(ioc_);
      net::tcp::socket socket(strand);
      co_await acceptor.async_accept(socket, net::UseAwaitable(ec));
      if (core_->stopping) co_return;
      if (ec) {
        // Out of descriptors, say: back off rather than spin, and keep serving.
        core_->Log("accept: " + ec.message());
        net::asio::steady_timer pause(ioc_, std::chrono::milliseconds(100));
        co_await pause.async_wait(net::UseAwaitable(ec));
        continue;
      }
      socket.set_option(net::tcp::no_delay(true), ec);
      if (binary) {
        net::asio::co_spawn(strand,
                            internal::ServeBinaryConnection(*core_, std::move(socket), tls_.get()),
                            net::asio::detached);
      } else {
        net::asio::co_spawn(strand,
                            internal::ServeHttpConnection(*core_, std::move(socket), tls_.get()),
                            net::asio::detached);
      }
    }
  }

  std::unique_ptr<ServerCore> core_;
  net::asio::io_context ioc_;
  std::optional<net::asio::executor_work_guard<net::asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  net::Strand acceptor_strand_{net::asio::make_strand(ioc_)};
  net::tcp::acceptor http_acceptor_{acceptor_strand_};
  net::tcp::acceptor binary_acceptor_{acceptor_strand_};
  std::unique_ptr<net::ssl::context> tls_;
  uint16_t http_port_ = 0, binary_port_ = 0;
  std::vector<std::thread> threads_;
  Mutex stop_mu_;
  bool stopped_ LEDGER_GUARDED_BY(stop_mu_) = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
uint16_t Server::http_port() const { return impl_->http_port(); }
uint16_t Server::binary_port() const { return impl_->binary_port(); }
void Server::Stop() { impl_->Stop(); }
Ledger& Server::ledger() { return impl_->ledger(); }

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                              std::unique_ptr<Ledger> ledger) {
  if (options.data_dir.empty()) return Status::InvalidArgument("no data directory");
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument("TLS needs both a certificate and a key");
  }
  if (options.worker_threads < 1 || options.network_threads < 1) {
    return Status::InvalidArgument("thread counts must be positive");
  }
  if (options.limits.max_connections_per_address == 0) {
    return Status::InvalidArgument("max_connections_per_address must be positive");
  }
  if (options.report_threads < 0) {
    return Status::InvalidArgument("report_threads must be 0 (the default) or positive");
  }
  if (options.releases_dir.empty()) options.releases_dir = options.data_dir + "/releases";
  internal::ConfigureAllocatorForBodies();
  auto core = std::make_unique<ServerCore>();
  core->options = std::move(options);
  const ServerOptions& o = core->options;
  if (!ledger) {
    LEDGER_ASSIGN_OR_RETURN(ledger, Ledger::Open(o.data_dir, o.ledger_options));
  }
  core->ledger = std::move(ledger);
  LEDGER_ASSIGN_OR_RETURN(core->groups,
                          internal::GroupStore::Open(o.data_dir + "/server/groups.json"));
  LEDGER_ASSIGN_OR_RETURN(core->access_log, AccessLog::Open(AccessLogPath(o.data_dir)));
  core->auth = std::make_unique<internal::Authenticator>(TokensPath(o.data_dir), *core->ledger);
  LEDGER_RETURN_IF_ERROR(core->auth->Load());
  core->revocations =
      std::make_unique<internal::RevocationWatch>(*core->auth, std::chrono::milliseconds(100));
  core->rate =
      std::make_unique<internal::RateLimiter>(o.limits.requests_per_second, o.limits.request_burst);
  core->hub = std::make_unique<internal::Hub>(*core->ledger, o.subscription_cache_bytes,
                                              o.delivery_interval, o.log);
  core->offices = std::make_unique<internal::OfficeIndex>(*core->ledger);
  core->workers = std::make_unique<net::asio::thread_pool>(o.worker_threads);
  core->reports = std::make_unique<internal::ReportPool>(
      o.report_threads == 0 ? internal::DefaultReportThreads() : o.report_threads,
      o.limits.max_queued_reports, &core->metrics);
  core->api.reset(new internal::ApiContext{*core->ledger, *core->hub, core->metrics, *core->offices,
                                           *core->groups, *core->access_log, core->options,
                                           core->options.limits, o.log});
  auto impl = std::make_unique<Impl>(std::move(core));
  LEDGER_RETURN_IF_ERROR(impl->Listen());
  impl->Start();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

}  // namespace ledger::server
