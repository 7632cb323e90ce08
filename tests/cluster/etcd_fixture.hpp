// Starts a real one-member etcd (Debian's /usr/bin/etcd, or $MSGCENTER_ETCD) on free
// loopback ports with a fresh data directory, and kills it at the end. gtest runs each test
// in its own process (gtest_discover_tests), so each test gets its own etcd.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "msgcenter/cluster/etcd_client.hpp"
#include "msgcenter/cluster/membership.hpp"

namespace msgcenter::cluster::testing {

inline std::string etcd_binary() {
  if (const char* e = std::getenv("MSGCENTER_ETCD")) return e;
  return "/usr/bin/etcd";
}

/// A loopback port free right now (the kernel's pick for port 0).
inline std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class EtcdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(etcd_binary().c_str(), X_OK) != 0)
      GTEST_SKIP() << etcd_binary() << " is missing: scripts/install-deps.sh installs etcd-server";
    char tmpl[] = "/tmp/msgcenter-etcd-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) start();
    ASSERT_GT(pid_, 0) << "etcd did not start; see " << dir_ << "/etcd.log";
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGCONT);
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  /// A client with a short timeout (tests must be bounded).
  etcd_client client(std::chrono::milliseconds timeout = std::chrono::milliseconds(1000)) const {
    etcd_options o;
    o.port = client_port_;
    o.timeout = timeout;
    return etcd_client(o);
  }

  /// SIGSTOP, then waits until the process is stopped (delivery to a running multi-threaded
  /// process is not instant).
  void freeze() {
    ::kill(pid_, SIGSTOP);
    eventually_stopped();
  }
  void thaw() { ::kill(pid_, SIGCONT); }

  std::uint16_t client_port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;

 private:
  void eventually_stopped() {
    for (int i = 0; i < 200; ++i) {
      std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
      std::string line;
      std::getline(stat, line);
      const auto close = line.rfind(')');
      if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'T') return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void start() {
    client_port_ = free_port();
    const std::uint16_t peer = free_port();
    const std::string client_url = "http://127.0.0.1:" + std::to_string(client_port_);
    const std::string peer_url = "http://127.0.0.1:" + std::to_string(peer);
    const std::string data = dir_ + "/data";
    const std::string log = dir_ + "/etcd.log";
    std::vector<std::string> args = {etcd_binary(),
                                     "--name=t",
                                     "--data-dir=" + data,
                                     "--listen-client-urls=" + client_url,
                                     "--advertise-client-urls=" + client_url,
                                     "--listen-peer-urls=" + peer_url,
                                     "--initial-advertise-peer-urls=" + peer_url,
                                     "--initial-cluster=t=" + peer_url,
                                     "--heartbeat-interval=50",
                                     "--election-timeout=500",
                                     "--logger=zap",
                                     "--log-outputs=" + log};
    pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // Ready when a range answers (it needs a leader).
    auto c = client(std::chrono::milliseconds(300));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (c.get("ready").ok()) {
        pid_ = pid;
        return;
      }
      if (::waitpid(pid, nullptr, WNOHANG) == pid) break;  // e.g. a port taken meanwhile
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    std::error_code ec;
    std::filesystem::remove_all(data, ec);
  }
};

/// A member with the tests' timings: TTL 2 s, renewed every 300 ms.
inline membership_options node(const std::string& id) {
  membership_options o;
  o.node_id = id;
  o.address = "127.0.0.1:" + id;
  o.ttl = std::chrono::seconds(2);
  o.keepalive_interval = std::chrono::milliseconds(300);
  return o;
}

/// Polls `pred` every 20 ms until it holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace msgcenter::cluster::testing
