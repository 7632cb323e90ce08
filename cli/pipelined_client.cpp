#include "pipelined_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>

namespace msgcenter::cli {
namespace {

using clock_type = std::chrono::steady_clock;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct connection {
  int fd = -1;
  std::string out;  ///< bytes not yet taken by the socket
  std::size_t out_off = 0;
  std::string in;                              ///< bytes of answers not yet parsed
  std::deque<clock_type::time_point> started;  ///< per request in flight, in order
};

}  // namespace

double pipelined_result::quantile(double p) const {
  if (latency_ms.empty()) return 0;
  std::vector<double> v = latency_ms;
  auto k = static_cast<std::size_t>(std::clamp(p, 0.0, 1.0) * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

double process_cpu_seconds(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream rest(text.substr(close_paren + 2));
  std::string field;
  // Fields after the command: state(3) ... utime(14) stime(15).
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

pipelined_result run_pipelined(const pipelined_options& o, const std::vector<std::string>& requests,
                               std::uint64_t repeat) {
  pipelined_result r;
  if (requests.empty() || repeat == 0) return r;
  r.latency_ms.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(repeat, 1u << 22)));
  auto fail = [&](std::uint64_t n, const std::string& why) {
    r.failed += n;
    if (r.first_error.empty()) r.first_error = why;
  };
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addr = nullptr;
  if (int rc = getaddrinfo(o.host.c_str(), o.port.c_str(), &hints, &addr); rc != 0 || !addr) {
    fail(repeat, std::string("cannot resolve host: ") + gai_strerror(rc));
    return r;
  }
  int ep = epoll_create1(0);
  std::vector<connection> conns(std::max<std::size_t>(1, o.connections));
  auto open = [&](std::size_t i) {
    auto& c = conns[i];
    c = connection{};
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (!o.source.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, o.source.c_str(), &local.sin_addr);
      (void)::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    if (::connect(fd, addr->ai_addr, addr->ai_addrlen) != 0) {
      ::close(fd);
      return false;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    c.fd = fd;
    return true;
  };
  for (std::size_t i = 0; i < conns.size(); ++i)
    if (!open(i)) {
      fail(repeat, "cannot connect to " + o.host + ":" + o.port);
      for (auto& c : conns)
        if (c.fd >= 0) ::close(c.fd);
      ::close(ep);
      freeaddrinfo(addr);
      return r;
    }
  const double cpu0 = thread_cpu_seconds();
  const auto t0 = clock_type::now();
  auto last_answer = t0;
  std::uint64_t next = 0, done = 0;
  auto due_of = [&](std::uint64_t k) {
    return t0 + std::chrono::duration_cast<clock_type::duration>(
                    std::chrono::duration<double>(static_cast<double>(k) / o.rate));
  };
  auto flush = [&](connection& c) {
    while (c.out_off < c.out.size()) {
      auto n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (n <= 0) return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      c.out_off += static_cast<std::size_t>(n);
    }
    c.out.clear();
    c.out_off = 0;
    return true;
  };
  // Queues requests on connection i while it has room and requests are due.
  auto fill = [&](std::size_t i, clock_type::time_point now) {
    auto& c = conns[i];
    while (c.fd >= 0 && c.started.size() < o.depth && next < repeat) {
      clock_type::time_point start = now;
      if (o.rate > 0) {
        start = due_of(next);
        if (start > now) break;
      }
      c.out += requests[next % requests.size()];
      c.started.push_back(start);
      ++next;
      ++r.sent;
    }
    return flush(c);
  };
  auto drop = [&](std::size_t i, const std::string& why) {
    auto& c = conns[i];
    fail(c.started.size(), why);
    done += c.started.size();
    epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    if (next < repeat) (void)open(i);
  };
  // Parses complete answers at the front of c.in; false when the connection must close.
  auto parse = [&](std::size_t i, clock_type::time_point now) {
    auto& c = conns[i];
    std::size_t pos = 0;
    bool keep = true;
    for (;;) {
      auto head_end = c.in.find("\r\n\r\n", pos);
      if (head_end == std::string::npos) break;
      int status = 0;
      std::sscanf(c.in.c_str() + pos, "HTTP/%*d.%*d %d", &status);
      std::size_t length = 0;
      std::string head = c.in.substr(pos, head_end - pos);
      for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (auto p = head.find("\r\ncontent-length:"); p != std::string::npos)
        length = std::strtoull(head.c_str() + p + 17, nullptr, 10);
      if (c.in.size() < head_end + 4 + length) break;
      pos = head_end + 4 + length;
      if (c.started.empty()) {
        keep = false;
        fail(0, "an answer nobody asked for");
        break;
      }
      r.latency_ms.push_back(
          std::chrono::duration<double, std::milli>(now - c.started.front()).count());
      c.started.pop_front();
      ++done;
      last_answer = now;
      if (status >= 200 && status < 300)
        ++r.ok;
      else
        fail(1, "HTTP status " + std::to_string(status));
      if (head.find("\r\nconnection: close") != std::string::npos) {
        keep = false;
        break;
      }
    }
    c.in.erase(0, pos);
    return keep;
  };
  std::vector<epoll_event> events(conns.size());
  std::size_t rr = 0;  ///< where the open loop starts looking for a connection with room
  char buf[65536];
  for (std::size_t i = 0; i < conns.size(); ++i) (void)fill(i, t0);
  while (done < repeat) {
    auto now = clock_type::now();
    if (o.time_limit.count() > 0 && now - t0 > o.time_limit) break;
    if (o.stop && o.stop->load()) break;
    int timeout_ms = 100;
    bool due_now = false;
    if (o.rate > 0 && next < repeat) {
      // Sleep at least 1 ms until the next request is due (epoll's resolution): requests
      // leave in bursts of rate/1000, and the generator does not spin on the cores it
      // shares with the server. Latency still counts from each request's due time.
      due_now = due_of(next) <= now;
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due_of(next) - now);
      timeout_ms = due_now ? 0 : static_cast<int>(std::clamp<long long>(wait.count() + 1, 1, 100));
    }
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout_ms);
    now = clock_type::now();
    for (int e = 0; e < n; ++e) {
      auto i = static_cast<std::size_t>(events[e].data.u64);
      auto& c = conns[i];
      if (c.fd < 0) continue;
      bool broken = false;
      if (events[e].events & EPOLLIN) {
        for (;;) {
          auto got = ::recv(c.fd, buf, sizeof buf, 0);
          if (got > 0) {
            c.in.append(buf, static_cast<std::size_t>(got));
            continue;
          }
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) broken = true;
          break;
        }
        if (!parse(i, now)) broken = true;
      }
      if (broken) {
        drop(i, "connection closed by the server");
        continue;
      }
      if (!fill(i, now)) drop(i, "send failed");
    }
    // Open loop: requests come due without any socket event; they go to the connections
    // with room, the next one first.
    if (o.rate > 0 && next < repeat && due_of(next) <= now)
      for (std::size_t k = 0; k < conns.size() && next < repeat && due_of(next) <= now; ++k) {
        auto i = (rr + k) % conns.size();
        if (conns[i].fd >= 0 && !fill(i, now)) drop(i, "send failed");
      }
    ++rr;
  }
  r.seconds = std::chrono::duration<double>(last_answer - t0).count();
  r.generator_cpu_seconds = thread_cpu_seconds() - cpu0;
  if (done < repeat && !(o.stop && o.stop->load()))
    fail(repeat - done, "no answer within the time limit");
  for (auto& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  ::close(ep);
  freeaddrinfo(addr);
  return r;
}

}  // namespace msgcenter::cli
