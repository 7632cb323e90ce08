// The peer a team would build instead: Redis (Debian redis-server on 127.0.0.1, started
// here on a free port with its own temporary directory, stopped at exit) doing, per inbound
// message of the same workload:
//   XADD conv:<c> * from <phone> body <body> sid <provider id>     the conversation stream
//   HINCRBY unread:<staff> <c> 1                                   per staff member
//   ZADD inbox:<staff> <time> <c>                                  per staff member
// pipelined `batch` messages at a time (hiredis), with persistence off, with
// `appendonly yes` + `appendfsync everysec` (replies before the fsync: up to ~1 s of
// acknowledged writes can be lost), and with `appendfsync always` (fsync before replying).
// It keeps less state than the engine (no dedup, alerts, badge, folders, previews).
//
// Set MSGCENTER_BENCH_REDIS=host:port to use a running server instead (its data is flushed).
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <thread>

#include "workload.hpp"

namespace msgcenter::bench {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

struct redis_deleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using redis_ptr = std::unique_ptr<redisContext, redis_deleter>;

// One redis-server child process, or an external server.
class redis_server {
 public:
  // aof: 0 = no persistence, 1 = appendonly everysec, 2 = appendonly always.
  static std::unique_ptr<redis_server> start(int aof, std::string& err) {
    std::unique_ptr<redis_server> s(new redis_server);
    if (const char* ext = std::getenv("MSGCENTER_BENCH_REDIS"); ext && *ext) {
      std::string hp(ext);
      auto colon = hp.rfind(':');
      s->host_ = hp.substr(0, colon);
      s->port_ = std::atoi(hp.c_str() + colon + 1);
    } else {
      s->dir_ = make_temp_dir("msgcenter-redis");
      s->port_ = free_port();
      if (s->dir_.empty() || s->port_ == 0) {
        err = "cannot make a directory or find a free port";
        return nullptr;
      }
      std::vector<std::string> args = {"redis-server",
                                       "--port",
                                       std::to_string(s->port_),
                                       "--bind",
                                       "127.0.0.1",
                                       "--dir",
                                       s->dir_,
                                       "--save",
                                       "",
                                       "--daemonize",
                                       "no",
                                       "--protected-mode",
                                       "no",
                                       "--logfile",
                                       s->dir_ + "/redis.log",
                                       "--appendonly",
                                       aof ? "yes" : "no",
                                       "--appendfsync",
                                       aof == 2 ? "always" : "everysec"};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      pid_t pid = fork();
      if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the benchmark
        execvp("redis-server", argv.data());
        _exit(127);
      }
      if (pid < 0) {
        err = "fork failed";
        return nullptr;
      }
      s->pid_ = pid;
    }
    for (int i = 0; i < 100; ++i) {  // up to 5 s for the server to listen
      redis_ptr c(redisConnect(s->host_.c_str(), s->port_));
      if (c && !c->err) {
        auto* r = static_cast<redisReply*>(redisCommand(c.get(), "PING"));
        bool ok = r && r->type == REDIS_REPLY_STATUS;
        if (r) freeReplyObject(r);
        if (ok) {
          auto* f = static_cast<redisReply*>(redisCommand(c.get(), "FLUSHALL"));
          if (f) freeReplyObject(f);
          return s;
        }
      }
      if (s->pid_ > 0) {
        int st = 0;
        if (waitpid(s->pid_, &st, WNOHANG) == s->pid_) {
          s->pid_ = -1;
          err = "redis-server exited at start (is it installed? see bench/run)";
          return nullptr;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    err = "redis-server did not answer PING";
    return nullptr;
  }

  ~redis_server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st = 0;
      waitpid(pid_, &st, 0);
    }
    remove_tree(dir_);
  }

  [[nodiscard]] int pid() const noexcept { return pid_ > 0 ? pid_ : 0; }
  [[nodiscard]] redis_ptr connect() const { return redis_ptr(redisConnect(host_.c_str(), port_)); }

 private:
  redis_server() = default;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
};

// range: staff, aof mode, batch, conversations.
void BM_RedisBurst(benchmark::State& state) {
  const auto staff = static_cast<std::size_t>(state.range(0));
  const int aof = static_cast<int>(state.range(1));
  const auto batch = static_cast<std::size_t>(state.range(2));
  const auto conversations = static_cast<std::uint64_t>(state.range(3));
  // One server per persistence mode, alive for the whole process.
  static std::map<int, std::unique_ptr<redis_server>> servers;
  auto& server = servers[aof];
  if (!server) {
    std::string err;
    server = redis_server::start(aof, err);
    if (!server) {
      state.SkipWithError(("redis unavailable: " + err).c_str());
      return;
    }
  }
  auto c = server->connect();
  if (!c || c->err) {
    state.SkipWithError("cannot connect to redis");
    return;
  }
  burst_source src(conversations);
  static std::uint64_t next = 0;
  std::vector<std::string> staff_unread, staff_inbox;
  for (std::size_t s = 0; s < staff; ++s) {
    staff_unread.push_back("unread:s" + std::to_string(s));
    staff_inbox.push_back("inbox:s" + std::to_string(s));
  }
  std::vector<double> lat;
  std::uint64_t messages = 0, commands = 0, errors = 0;
  std::int64_t ts = 1'700'000'000'000;
  cpu_noise noise(server->pid());
  for (auto _ : state) {
    auto t0 = clock_type::now();
    std::size_t sent = 0;
    for (std::size_t i = 0; i < batch; ++i, ++next) {
      auto conv = std::to_string(src.conversation_of(next));
      auto key = "conv:" + conv;
      auto phone = client_phone(src.conversation_of(next));
      auto sid = "SM" + std::to_string(next);
      const auto& body = body_of(next);
      const char* xa[] = {"XADD", key.c_str(),  "*",   "from",     phone.c_str(),
                          "body", body.c_str(), "sid", sid.c_str()};
      size_t xl[] = {4, key.size(), 1, 4, phone.size(), 4, body.size(), 3, sid.size()};
      redisAppendCommandArgv(c.get(), 9, xa, xl);
      ++sent;
      auto score = std::to_string(ts + static_cast<std::int64_t>(next));
      for (std::size_t s = 0; s < staff; ++s) {
        const char* ha[] = {"HINCRBY", staff_unread[s].c_str(), conv.c_str(), "1"};
        size_t hl[] = {7, staff_unread[s].size(), conv.size(), 1};
        redisAppendCommandArgv(c.get(), 4, ha, hl);
        const char* za[] = {"ZADD", staff_inbox[s].c_str(), score.c_str(), conv.c_str()};
        size_t zl[] = {4, staff_inbox[s].size(), score.size(), conv.size()};
        redisAppendCommandArgv(c.get(), 4, za, zl);
        sent += 2;
      }
    }
    for (std::size_t i = 0; i < sent; ++i) {
      void* r = nullptr;
      if (redisGetReply(c.get(), &r) != REDIS_OK) {
        state.SkipWithError("redis connection failed");
        return;
      }
      if (static_cast<redisReply*>(r)->type == REDIS_REPLY_ERROR) ++errors;
      freeReplyObject(r);
    }
    commands += sent;
    messages += batch;
    lat.push_back(ms_since(t0));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
  state.counters["commands_per_s"] =
      benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
  state.counters["errors"] = static_cast<double>(errors);
  state.counters["other_load_cores"] = noise.other_cores();
  if (!lat.empty()) {
    state.counters["p50_batch_ms"] = percentile(lat, 0.5);
    state.counters["p99_batch_ms"] = percentile(lat, 0.99);
    state.counters["p999_batch_ms"] = percentile(lat, 0.999);
  }
}
BENCHMARK(BM_RedisBurst)
    ->ArgNames({"staff", "aof", "batch", "conversations"})
    ->Args({20, 0, 1000, 10000})
    ->Args({20, 1, 1000, 10000})
    ->Args({20, 2, 1000, 10000})
    ->Args({1, 0, 1000, 10000})
    ->Args({1, 1, 1000, 10000})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace msgcenter::bench
