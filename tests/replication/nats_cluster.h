// Real NATS servers for the replication tests: Debian's nats-server with JetStream, on loopback
// ports, one node or a three-node cluster, each in its own scratch store. Nodes can be killed
// (SIGKILL) and started again on the same store and ports. Every server is killed when the
// object goes, so none outlives a test.
#ifndef LEDGER_TESTS_REPLICATION_NATS_CLUSTER_H_
#define LEDGER_TESTS_REPLICATION_NATS_CLUSTER_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace ledger::testing {

// A free loopback port (bound, then released: the server takes it right after).
inline int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline bool PortAccepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

inline std::string NatsServerBinary() {
  for (const char* path : {"/usr/sbin/nats-server", "/usr/bin/nats-server"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return {};
}

class NatsCluster {
 public:
  // `nodes`: 1 (a single JetStream server) or 3 (a cluster). Stores go under `dir`.
  NatsCluster(const std::string& dir, int nodes) : dir_(dir) {
    for (int i = 0; i < nodes; ++i) {
      nodes_.push_back({FreeLoopbackPort(), nodes > 1 ? FreeLoopbackPort() : 0, -1});
    }
  }
  ~NatsCluster() {
    for (size_t i = 0; i < nodes_.size(); ++i) Kill(i);
    // LEDGER_KEEP_NATS_LOGS=DIR keeps each node's log there (the store goes with the test).
    if (const char* keep = std::getenv("LEDGER_KEEP_NATS_LOGS")) {
      std::error_code ec;
      for (size_t i = 0; i < nodes_.size(); ++i) {
        std::filesystem::copy_file(
            dir_ + "/nats-" + std::to_string(i) + ".log",
            std::string(keep) + "/nats-" + std::to_string(nodes_[i].port) + ".log",
            std::filesystem::copy_options::overwrite_existing, ec);
      }
    }
  }
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  static bool Available() { return !NatsServerBinary().empty(); }

  // Starts every node and waits until each accepts connections.
  void StartAll() {
    for (size_t i = 0; i < nodes_.size(); ++i) Start(i);
  }

  void Start(size_t i) {
    Node& n = nodes_[i];
    ASSERT_LT(n.pid, 0) << "node " << i << " is running";
    const std::string store = dir_ + "/nats-" + std::to_string(i);
    std::filesystem::create_directories(store);
    std::vector<std::string> args = {NatsServerBinary(),
                                     "-a",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(n.port),
                                     "-js",
                                     "-sd",
                                     store,
                                     "--server_name",
                                     "n" + std::to_string(i)};
    if (nodes_.size() > 1) {
      std::string routes;
      for (const Node& other : nodes_) {
        if (!routes.empty()) routes += ",";
        routes += "nats://127.0.0.1:" + std::to_string(other.cluster_port);
      }
      args.insert(args.end(),
                  {"--cluster_name", "ledger-test", "--cluster",
                   "nats://127.0.0.1:" + std::to_string(n.cluster_port), "--routes", routes});
    }
    const std::string log = store + ".log";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The child: its output to a log file, then the server.
      FILE* out = std::freopen(log.c_str(), "a", stderr);
      (void)out;
      ::dup2(STDERR_FILENO, STDOUT_FILENO);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::_Exit(127);
    }
    n.pid = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!PortAccepts(n.port)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "nats-server node " << i << " did not start; see " << log;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // SIGKILL: no shutdown, as a crash or a pulled plug of that node.
  void Kill(size_t i) {
    Node& n = nodes_[i];
    if (n.pid < 0) return;
    ::kill(n.pid, SIGKILL);
    ::waitpid(n.pid, nullptr, 0);
    n.pid = -1;
  }
  void KillAll() {
    for (size_t i = 0; i < nodes_.size(); ++i) Kill(i);
  }

  // The client URLs of every node, comma-separated.
  std::string urls() const {
    std::string out;
    for (const Node& n : nodes_) {
      if (!out.empty()) out += ",";
      out += "nats://127.0.0.1:" + std::to_string(n.port);
    }
    return out;
  }
  size_t size() const { return nodes_.size(); }

 private:
  struct Node {
    int port;
    int cluster_port;
    pid_t pid;
  };
  std::string dir_;
  std::vector<Node> nodes_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_REPLICATION_NATS_CLUSTER_H_
