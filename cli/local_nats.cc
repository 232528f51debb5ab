#include "local_nats.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace ledger::cli {
namespace {

// A loopback port free when asked (the server binds it a moment later).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

Result<std::unique_ptr<LocalNats>> LocalNats::Start(const std::string& dir) {
  std::string binary;
  for (const char* p : {"/usr/sbin/nats-server", "/usr/bin/nats-server"}) {
    if (::access(p, X_OK) == 0) binary = p;
  }
  if (binary.empty()) {
    return Status::NotFound(
        "nats-server is not installed (apt-get install nats-server), and "
        "no --nats URL was given");
  }
  auto n = std::unique_ptr<LocalNats>(new LocalNats());
  n->port_ = FreePort();
  std::filesystem::create_directories(dir);
  const std::string port = std::to_string(n->port_), log = dir + "/nats.log";
  n->pid_ = ::fork();
  if (n->pid_ == 0) {
    FILE* out = std::freopen(log.c_str(), "a", stderr);
    (void)out;
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::execl(binary.c_str(), binary.c_str(), "-a", "127.0.0.1", "-p", port.c_str(), "-js", "-sd",
            dir.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  // Ready once it accepts connections.
  for (int i = 0; i < 500; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(n->port_));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return n;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::Unavailable("nats-server did not start; see " + log);
}

LocalNats::~LocalNats() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string LocalNats::url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

}  // namespace ledger::cli
