#include "load_command.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/times.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "workload.hpp"  // bench/: the burst shared with the benchmarks

#ifdef MSGCENTER_LOAD_HAVE_OPENSSL
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif

#include "msgcenter/message_center.hpp"
#include "pipelined_client.hpp"

namespace msgcenter::cli {
namespace {

using clock_type = std::chrono::steady_clock;

struct load_args {
  std::uint64_t messages = 100000;
  std::uint64_t conversations = 10000;
  std::size_t staff = 20;
  std::size_t batch = 1000;
  double rate = 0;  ///< messages/s; 0 = as fast as possible
  std::size_t inflight = 4;
  std::string data_dir;
  bool json = false;
  std::string url;
  std::string admin_key;  ///< --url: set the business up through the admin API
  std::string business = "load";
  std::string token;
  std::string account_sid = "ACload";
  std::string number = "+12025550100";
  std::size_t connections = 8;
  std::size_t pipeline = 1;           ///< --url: requests in flight per connection
  long server_pid = 0;                ///< --url: the server's process, for its CPU per request
  bool no_floor = false;              ///< --url: skip the /healthz floor
  std::size_t flood_connections = 0;  ///< --url: unsigned webhooks during the run
  std::string flood_source = "127.0.0.2";
  bool no_progress = false;
};

// ---- the workload: bench/workload.hpp's, so load and the benchmarks measure the same burst -

using bench::body_of;
using bench::client_phone;
using bench::stride_for;

struct workload {
  std::uint64_t conversations;
  std::uint64_t stride;
  std::string tag;  ///< unique per run, so provider ids never repeat against a live server
  std::uint64_t client_of(std::uint64_t k) const {
    return (k % conversations) * stride % conversations;
  }
  std::string provider_id(std::uint64_t k) const { return "SM" + tag + std::to_string(k); }
};

/// Distinguishes the provider ids of this run from earlier runs against the same store.
std::string run_tag() {
  auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  return std::to_string(t % 100000000) + "x";
}

// ---- measurements ------------------------------------------------------------------------

std::uint64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(f >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::uint64_t peak_rss_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;
}

/// CPU used by other processes (and stolen by the hypervisor) while the run lasted, in
/// cores: 0 on a quiet machine. Reported so that a noisy figure can be recognized.
class cpu_noise {
 public:
  cpu_noise() : t0_(clock_type::now()), busy0_(busy()), self0_(self()) {}
  double other_cores() const {
    double secs = std::chrono::duration<double>(clock_type::now() - t0_).count();
    auto b = busy() - busy0_;
    auto s = self() - self0_;
    if (secs <= 0 || b < s) return 0;
    return static_cast<double>(b - s) / static_cast<double>(sysconf(_SC_CLK_TCK)) / secs;
  }

 private:
  static std::uint64_t busy() {
    std::ifstream f("/proc/stat");
    std::string cpu;
    std::uint64_t v[8] = {};
    f >> cpu;
    for (auto& x : v) f >> x;
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  }
  static std::uint64_t self() {
    tms t{};
    times(&t);
    return static_cast<std::uint64_t>(t.tms_utime + t.tms_stime);
  }
  clock_type::time_point t0_;
  std::uint64_t busy0_, self0_;
};

/// Latencies with a weight (a batch's latency counts once per message in it).
struct latency_log {
  std::vector<std::pair<double, std::uint32_t>> samples;  // ms, messages
  void add(double ms, std::uint32_t n) { samples.emplace_back(ms, n); }
  void merge(const latency_log& o) {
    samples.insert(samples.end(), o.samples.begin(), o.samples.end());
  }
  // Nearest-rank weighted quantile.
  double quantile(double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    std::uint64_t total = 0;
    for (auto& s : samples) total += s.second;
    auto rank = static_cast<std::uint64_t>(p * static_cast<double>(total) + 0.999999);
    rank = std::clamp<std::uint64_t>(rank, 1, total);
    std::uint64_t seen = 0;
    for (auto& s : samples) {
      seen += s.second;
      if (seen >= rank) return s.first;
    }
    return samples.back().first;
  }
};

struct run_totals {
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> failed{0};
  std::mutex error_mu;
  std::string first_error;
  void fail(std::uint64_t n, const std::string& why) {
    failed += n;
    std::lock_guard lock(error_mu);
    if (first_error.empty()) first_error = why;
  }
};

// A progress bar on stderr, redrawn every 200 ms while running; only on a terminal.
class progress_bar {
 public:
  progress_bar(const run_totals& t, std::uint64_t total, bool enabled)
      : totals_(t), total_(total), enabled_(enabled && isatty(STDERR_FILENO)) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
  }
  ~progress_bar() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    draw();
    std::fputc('\n', stderr);
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) draw();
  }
  void draw() {
    auto done = totals_.acked.load() + totals_.failed.load();
    double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
    double secs = std::chrono::duration<double>(clock_type::now() - start_).count();
    constexpr int width = 30;
    int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>';
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r[%s] %3.0f%% %llu/%llu msgs  %.0f msg/s  failed %llu ", bar.c_str(),
                 frac * 100, static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_),
                 secs > 0 ? static_cast<double>(done) / secs : 0.0,
                 static_cast<unsigned long long>(totals_.failed.load()));
    std::fflush(stderr);
  }

  const run_totals& totals_;
  std::uint64_t total_;
  bool enabled_;
  clock_type::time_point start_ = clock_type::now();
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

struct report {
  std::string target;
  std::uint64_t messages = 0, acked = 0, failed = 0;
  std::string first_error;
  double seconds = 0;
  latency_log lat;
  std::uint64_t peak_rss = 0;
  std::int64_t rss_growth = -1;  ///< embedded only
  double other_cores = 0;        ///< CPU of other processes during the run
  std::string commit_batches = "n/a";
  // --url only (negative: not measured)
  double floor_rate = -1, floor_p99 = -1, floor_server_us = -1;
  std::string floor_error;
  double server_us = -1, generator_us = -1;
  std::uint64_t flood_sent = 0;
  double flood_rate = 0;
};

// ---- embedded engine -----------------------------------------------------------------------

int run_embedded(const load_args& a, report& rep) {
  options o;
  o.data_dir = a.data_dir;
  auto opened = message_center::open(o);
  if (!opened) {
    std::cerr << "msgcenter load: cannot open the engine: " << opened.error().message << "\n";
    return 1;
  }
  auto& mc = *opened.value();
  const std::string business = "load";
  const op_context admin{business, "", std::nullopt};
  business_put_request bp;
  bp.name = "Load test";
  bp.default_number = a.number;
  bp.settings.visibility = visibility_mode::all;
  auto setup = [&](const char* what, auto r) {
    if (!r) {
      std::cerr << "msgcenter load: " << what << ": " << r.error().message << "\n";
      return false;
    }
    return true;
  };
  if (!setup("business.put", mc.business_put(admin, bp))) return 1;
  if (!setup("number.put", mc.number_put(admin, {a.number, "main"}))) return 1;
  for (std::size_t s = 0; s < a.staff; ++s) {
    staff_put_request sp;
    sp.staff = "s" + std::to_string(s);
    sp.name = "Staff " + std::to_string(s);
    sp.rights = bit(right::view_messages) | bit(right::manage_messages) | bit(right::send_sms);
    if (!setup("staff.put", mc.staff_put(admin, sp))) return 1;
  }

  workload wl{a.conversations, stride_for(a.conversations), run_tag()};
  run_totals totals;
  struct in_flight {
    std::future<std::vector<result<inbound_reply>>> fut;
    clock_type::time_point start;
    std::uint32_t n;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<in_flight> queue;
  bool sending_done = false;
  latency_log lat;
  clock_type::time_point last_ack;

  const auto rss0 = rss_bytes();
  progress_bar bar(totals, a.messages, !a.no_progress);
  cpu_noise noise;
  const auto t0 = clock_type::now();
  // The collector waits for batches in the order they were sent: the business actor answers
  // them in that order, so waiting on the oldest first adds no latency to the others.
  std::thread collector([&] {
    for (;;) {
      in_flight f;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || sending_done; });
        if (queue.empty()) return;
        f = std::move(queue.front());
        queue.pop_front();
      }
      auto results = f.fut.get();
      auto now = clock_type::now();
      lat.add(std::chrono::duration<double, std::milli>(now - f.start).count(), f.n);
      last_ack = now;
      if (results.size() != f.n) {
        totals.fail(f.n, "the engine could not answer a batch");
      } else {
        std::uint64_t ok = 0;
        for (auto& r : results) {
          if (r)
            ++ok;
          else
            totals.fail(1, r.error().message);
        }
        totals.acked += ok;
      }
      {
        std::lock_guard lock(mu);
        // Frees a slot for the sender (the queue holds the unanswered batches).
      }
      cv.notify_all();
    }
  });

  const op_context carrier{business, "", std::nullopt};
  std::size_t outstanding_limit = std::max<std::size_t>(1, a.inflight);
  for (std::uint64_t k = 0; k < a.messages; k += a.batch) {
    auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(a.batch, a.messages - k));
    auto due = t0;
    if (a.rate > 0) {
      due = t0 + std::chrono::duration_cast<clock_type::duration>(
                     std::chrono::duration<double>(static_cast<double>(k) / a.rate));
      std::this_thread::sleep_until(due);
    }
    std::vector<inbound_request> batch;
    batch.reserve(n);
    for (std::uint64_t i = k; i < k + n; ++i) {
      inbound_request r;
      r.from = client_phone(wl.client_of(i));
      r.to = a.number;
      r.body = body_of(i);
      r.provider_id = wl.provider_id(i);
      batch.push_back(std::move(r));
    }
    {
      std::unique_lock lock(mu);
      // At most `inflight` batches unanswered: queued here or being waited for.
      cv.wait(lock, [&] {
        auto answered = totals.acked.load() + totals.failed.load();
        auto sent = k;
        return sent - std::min(sent, answered) < outstanding_limit * a.batch;
      });
    }
    auto start = a.rate > 0 ? due : clock_type::now();
    auto fut = mc.ingest_async(carrier, std::move(batch));
    {
      std::lock_guard lock(mu);
      queue.push_back({std::move(fut), start, n});
    }
    cv.notify_all();
  }
  {
    std::lock_guard lock(mu);
    sending_done = true;
  }
  cv.notify_all();
  collector.join();
  rep.other_cores = noise.other_cores();
  bar.stop();
  const auto rss1 = rss_bytes();

  rep.target =
      a.data_dir.empty() ? "embedded (in memory)" : "embedded (durable: " + a.data_dir + ")";
  rep.messages = a.messages;
  rep.acked = totals.acked;
  rep.failed = totals.failed;
  rep.first_error = totals.first_error;
  rep.seconds = std::chrono::duration<double>(last_ack - t0).count();
  rep.lat = std::move(lat);
  rep.rss_growth = static_cast<std::int64_t>(rss1) - static_cast<std::int64_t>(rss0);
  rep.commit_batches = "n/a (message_center does not expose journal statistics)";
  mc.close();
  rep.peak_rss = peak_rss_bytes();
  return 0;
}

// ---- a running server: signed Twilio webhooks -----------------------------------------------

struct parsed_url {
  std::string host;
  std::string port = "80";
  std::string base;  ///< path prefix without a trailing '/'
};

bool parse_url(const std::string& url, parsed_url& out, std::string& err) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    err = "--url must start with http:// (no TLS here; put the load generator next to serve)";
    return false;
  }
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto hostport = rest.substr(0, slash);
  out.base = slash == std::string::npos ? "" : rest.substr(slash);
  while (!out.base.empty() && out.base.back() == '/') out.base.pop_back();
  auto colon = hostport.rfind(':');
  out.host = hostport.substr(0, colon);
  if (colon != std::string::npos) out.port = hostport.substr(colon + 1);
  if (out.host.empty()) {
    err = "--url has no host";
    return false;
  }
  return true;
}

std::string form_escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

#ifdef MSGCENTER_LOAD_HAVE_OPENSSL
// base64(HMAC-SHA1(token, url + name1 + value1 + ...)) with params sorted by name.
std::string twilio_signature(const std::string& url,
                             std::vector<std::pair<std::string, std::string>> params,
                             const std::string& token) {
  std::sort(params.begin(), params.end());
  std::string data = url;
  for (auto& [k, v] : params) data += k + v;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), token.data(), static_cast<int>(token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}
#endif

// One keep-alive HTTP/1.1 connection.
class http_connection {
 public:
  http_connection(const parsed_url& u) : url_(u) {}
  ~http_connection() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
  }
  bool connect(std::string& err) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = getaddrinfo(url_.host.c_str(), url_.port.c_str(), &hints, &res); rc != 0) {
      err = std::string("cannot resolve host: ") + gai_strerror(rc);
      return false;
    }
    for (auto* ai = res; ai; ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
        break;
      }
      ::close(fd);
    }
    freeaddrinfo(res);
    if (fd_ < 0) err = "cannot connect to " + url_.host + ":" + url_.port;
    return fd_ >= 0;
  }
  // Sends `request` and reads one response; returns the status code, or -1 (err set). The
  // response body goes to *body when given.
  int round_trip(const std::string& request, std::string& err, std::string* body = nullptr) {
    if (body) body->clear();
    if (fd_ < 0 && !connect(err)) return -1;
    std::size_t off = 0;
    while (off < request.size()) {
      auto n = ::send(fd_, request.data() + off, request.size() - off, MSG_NOSIGNAL);
      if (n <= 0) {
        err = "send failed";
        close();
        return -1;
      }
      off += static_cast<std::size_t>(n);
    }
    std::size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(err)) return -1;
    std::string head = buf_.substr(0, header_end);
    buf_.erase(0, header_end + 4);
    int status = 0;
    if (std::sscanf(head.c_str(), "HTTP/%*d.%*d %d", &status) != 1) {
      err = "malformed HTTP response";
      close();
      return -1;
    }
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    bool close_after = lower.find("\r\nconnection: close") != std::string::npos;
    if (lower.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        std::size_t eol;
        while ((eol = buf_.find("\r\n")) == std::string::npos)
          if (!fill(err)) return -1;
        auto size = std::strtoull(buf_.c_str(), nullptr, 16);
        buf_.erase(0, eol + 2);
        while (buf_.size() < size + 2)
          if (!fill(err)) return -1;
        if (body) body->append(buf_, 0, size);
        buf_.erase(0, size + 2);
        if (size == 0) break;
      }
    } else {
      std::size_t length = 0;
      if (auto p = lower.find("\r\ncontent-length:"); p != std::string::npos)
        length = std::strtoull(lower.c_str() + p + 17, nullptr, 10);
      while (buf_.size() < length)
        if (!fill(err)) return -1;
      if (body) body->assign(buf_, 0, length);
      buf_.erase(0, length);
    }
    if (close_after) close();
    return status;
  }

 private:
  bool fill(std::string& err) {
    char tmp[16384];
    auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) {
      err = "connection closed by the server";
      close();
      return false;
    }
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
  parsed_url url_;
  int fd_ = -1;
  std::string buf_;
};

// Creates the business (visibility all, the Twilio credentials), its number and the staff
// through the admin routes of docs/api.md. Returns false (err set) on the first refusal.
bool setup_over_http(const load_args& a, const parsed_url& u, const std::string& host_header,
                     const std::string& token, std::string& err) {
  http_connection conn(u);
  auto call = [&](const char* method, const std::string& path, const nlohmann::json& body) {
    auto text = body.dump();
    std::string req =
        std::string(method) + " " + u.base + path + " HTTP/1.1\r\nHost: " + host_header +
        "\r\nAuthorization: Bearer " + a.admin_key +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
        "\r\n\r\n" + text;
    std::string answer;
    int status = conn.round_trip(req, err, &answer);
    if (status < 200 || status >= 300) {
      if (status >= 0)
        err = std::string(method) + " " + path + ": HTTP " + std::to_string(status) + " " + answer;
      return false;
    }
    return true;
  };
  const std::string biz = "/v1/admin/businesses/" + a.business;
  nlohmann::json settings = {
      {"visibility", "all"}, {"twilio_account_sid", a.account_sid}, {"twilio_auth_token", token}};
  if (!call("PUT", biz,
            {{"name", "Load test"}, {"default_number", a.number}, {"settings", settings}}))
    return false;
  if (!call("POST", biz + "/numbers", {{"number", a.number}, {"location", "main"}})) return false;
  for (std::size_t s = 0; s < a.staff; ++s) {
    nlohmann::json staff = {{"name", "Staff " + std::to_string(s)},
                            {"rights", {"view_messages", "manage_messages", "send_sms"}},
                            {"locations", nlohmann::json::array()},
                            {"subscribe_all", false}};
    if (!call("PUT", biz + "/staff/s" + std::to_string(s), staff)) return false;
  }
  return true;
}

int run_http(const load_args& a, report& rep) {
#ifndef MSGCENTER_LOAD_HAVE_OPENSSL
  std::cerr << "msgcenter load: --url needs OpenSSL (HMAC-SHA1 signatures); this build has none\n";
  return 1;
#else
  parsed_url u;
  std::string err;
  if (!parse_url(a.url, u, err)) {
    std::cerr << "msgcenter load: " << err << "\n";
    return 2;
  }
  load_args args = a;
  if (args.admin_key.empty())
    if (const char* k = std::getenv("MSGCENTER_ADMIN_KEY"); k && *k) args.admin_key = k;
  if (args.token.empty() && !args.admin_key.empty()) args.token = "load-auth-token-" + run_tag();
  if (args.token.empty()) {
    std::cerr << "msgcenter load: --url needs --token (the business's Twilio auth token) or "
                 "--admin-key (to create the business first)\n";
    return 2;
  }
  const std::string path = u.base + "/webhooks/twilio/sms";
  const std::string signed_url = "http://" + u.host + (u.port == "80" ? "" : ":" + u.port) + path;
  const std::string host_header = u.host + (u.port == "80" ? "" : ":" + u.port);
  if (!args.admin_key.empty() && !setup_over_http(args, u, host_header, args.token, err)) {
    std::cerr << "msgcenter load: setting up the business failed: " << err << "\n";
    return 1;
  }
  workload wl{a.conversations, stride_for(a.conversations), run_tag()};
  // The pre-signed corpus: every request is built and signed before the clock starts, so
  // the generator spends its CPU on sockets only.
  std::vector<std::string> corpus;
  corpus.reserve(a.messages);
  auto webhook_request = [&](std::uint64_t k, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> params = {
        {"AccountSid", a.account_sid},
        {"Body", body_of(k)},
        {"From", client_phone(wl.client_of(k))},
        {"MessageSid", wl.provider_id(k)},
        {"NumMedia", "0"},
        {"To", a.number}};
    std::string body;
    for (auto& [name, value] : params) {
      if (!body.empty()) body += '&';
      body += name + "=" + form_escape(value);
    }
    auto sig = twilio_signature(signed_url, params, token);
    return "POST " + path + " HTTP/1.1\r\nHost: " + host_header +
           "\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: " + sig +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  for (std::uint64_t k = 0; k < a.messages; ++k) corpus.push_back(webhook_request(k, args.token));
  pipelined_options po;
  po.host = u.host;
  po.port = u.port;
  po.connections = std::max<std::size_t>(1, a.connections);
  po.depth = std::max<std::size_t>(1, a.pipeline);
  auto server_cpu = [&] { return a.server_pid > 0 ? process_cpu_seconds(a.server_pid) : -1.0; };

  // 1. The server's own HTTP floor: a trivial route, same connections, depth and count.
  if (!a.no_floor) {
    std::vector<std::string> health = {"GET " + u.base +
                                       "/healthz HTTP/1.1\r\nHost: " + host_header + "\r\n\r\n"};
    pipelined_options fo = po;
    fo.rate = 0;
    const double c0 = server_cpu();
    auto f = run_pipelined(fo, health, a.messages);
    const double c1 = server_cpu();
    rep.floor_rate = f.seconds > 0 ? static_cast<double>(f.ok) / f.seconds : 0;
    rep.floor_p99 = f.quantile(0.99);
    if (c0 >= 0 && f.ok) rep.floor_server_us = (c1 - c0) * 1e6 / static_cast<double>(f.ok);
    if (f.failed) rep.floor_error = f.first_error;
  }

  // 2. Signed webhooks, with an unsigned flood from another source address if asked.
  std::atomic<bool> stop_flood{false};
  std::thread flood;
  pipelined_result flood_result;
  if (a.flood_connections > 0) {
    std::vector<std::string> bad;
    for (std::uint64_t k = 0; k < 64; ++k) bad.push_back(webhook_request(k, "not-the-token"));
    pipelined_options fl = po;
    fl.connections = a.flood_connections;
    fl.source = a.flood_source;
    fl.rate = 0;
    fl.stop = &stop_flood;
    flood = std::thread(
        [fl, bad, &flood_result] { flood_result = run_pipelined(fl, bad, UINT64_MAX / 2); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the flood is on
  }
  po.rate = a.rate;
  cpu_noise noise;
  const double c0 = server_cpu();
  auto w = run_pipelined(po, corpus, a.messages);
  const double c1 = server_cpu();
  rep.other_cores = noise.other_cores();
  if (flood.joinable()) {
    stop_flood = true;
    flood.join();
    rep.flood_sent = flood_result.sent;
    rep.flood_rate = flood_result.seconds > 0
                         ? static_cast<double>(flood_result.sent) / flood_result.seconds
                         : 0;
  }
  rep.target = "msgcenter serve at " + a.url + " (" + std::to_string(po.connections) +
               " connections, pipeline depth " + std::to_string(po.depth) + ")";
  rep.messages = a.messages;
  rep.acked = w.ok;
  rep.failed = w.failed;
  rep.first_error = w.first_error;
  rep.seconds = w.seconds;
  for (double ms : w.latency_ms) rep.lat.add(ms, 1);
  rep.peak_rss = peak_rss_bytes();
  rep.generator_us = w.ok ? w.generator_cpu_seconds * 1e6 / static_cast<double>(w.ok) : 0;
  if (c0 >= 0 && w.ok) {
    rep.server_us = (c1 - c0) * 1e6 / static_cast<double>(w.ok);
    // The server's CPU is no other load: it is what is measured.
    if (w.seconds > 0) rep.other_cores = std::max(0.0, rep.other_cores - (c1 - c0) / w.seconds);
  }
  rep.commit_batches = "n/a (not reported over HTTP)";
  return 0;
#endif
}

// ---- the report ------------------------------------------------------------------------------

void print_report(const load_args& a, report& r) {
  const double tput = r.seconds > 0 ? static_cast<double>(r.acked) / r.seconds : 0;
  const double p50 = r.lat.quantile(0.50), p99 = r.lat.quantile(0.99), p999 = r.lat.quantile(0.999),
               pmax = r.lat.quantile(1.0);
  const bool per_conv = r.rss_growth >= 0 && a.conversations > 0;
  const double per_conversation =
      per_conv ? static_cast<double>(r.rss_growth) / static_cast<double>(a.conversations) : 0;
  if (a.json) {
    nlohmann::json j = {
        {"target", r.target},
        {"messages", r.messages},
        {"acknowledged", r.acked},
        {"failed", r.failed},
        {"conversations", a.conversations},
        {"staff", a.staff},
        {"batch", a.url.empty() ? a.batch : 1},
        {"inflight", a.url.empty() ? a.inflight : a.connections},
        {"rate_target", a.rate},
        {"seconds", r.seconds},
        {"throughput_msgs_per_s", tput},
        {"latency_ms", {{"p50", p50}, {"p99", p99}, {"p999", p999}, {"max", pmax}}},
        {"peak_rss_bytes", r.peak_rss},
        {"commit_batch_sizes", r.commit_batches},
        {"other_load_cores", r.other_cores},
    };
    if (per_conv) {
      j["rss_growth_bytes"] = r.rss_growth;
      j["rss_growth_per_conversation_bytes"] = per_conversation;
    }
    if (!r.first_error.empty()) j["first_error"] = r.first_error;
    if (!a.url.empty()) {
      j["pipeline"] = a.pipeline;
      j["connections"] = a.connections;
      j["server_cpu_us_per_request"] = r.server_us;
      j["generator_cpu_us_per_request"] = r.generator_us;
      j["healthz_floor"] = {{"requests_per_s", r.floor_rate},
                            {"p99_ms", r.floor_p99},
                            {"server_cpu_us_per_request", r.floor_server_us}};
      if (r.floor_rate > 0) j["ratio_to_floor"] = tput / r.floor_rate;
      if (!r.floor_error.empty()) j["healthz_floor"]["first_error"] = r.floor_error;
      if (a.flood_connections > 0)
        j["unsigned_flood"] = {{"connections", a.flood_connections},
                               {"requests", r.flood_sent},
                               {"requests_per_s", r.flood_rate}};
    }
    std::cout << j.dump() << "\n";
    return;
  }
  std::printf("target:        %s\n", r.target.c_str());
  std::printf(
      "workload:      %llu messages, %llu conversations, %zu staff, batch %zu, rate %s\n",
      static_cast<unsigned long long>(r.messages), static_cast<unsigned long long>(a.conversations),
      a.staff, a.url.empty() ? a.batch : std::size_t{1},
      a.rate > 0 ? (std::to_string(static_cast<long long>(a.rate)) + " msg/s").c_str() : "max");
  std::printf("acknowledged:  %llu (failed %llu%s%s)\n", static_cast<unsigned long long>(r.acked),
              static_cast<unsigned long long>(r.failed), r.first_error.empty() ? "" : ": ",
              r.first_error.c_str());
  std::printf("throughput:    %.0f messages/s over %.3f s\n", tput, r.seconds);
  std::printf("ack latency:   p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms\n", p50, p99,
              p999, pmax);
  std::printf("peak memory:   %.1f MiB (VmHWM)\n", static_cast<double>(r.peak_rss) / (1 << 20));
  if (per_conv)
    std::printf("memory growth: %.1f MiB, %.0f bytes per conversation\n",
                static_cast<double>(r.rss_growth) / (1 << 20), per_conversation);
  std::printf("commit batches: %s\n", r.commit_batches.c_str());
  std::printf("other load:    %.2f cores used by other processes during the run%s\n", r.other_cores,
              a.url.empty() || a.server_pid > 0 ? "" : " (the server included: no --server-pid)");
  if (!a.url.empty()) {
    if (r.server_us >= 0) std::printf("server CPU:    %.1f us per webhook\n", r.server_us);
    std::printf("generator CPU: %.1f us per webhook\n", r.generator_us);
    if (r.floor_rate >= 0) {
      std::printf("/healthz floor: %.0f requests/s, p99 %.3f ms", r.floor_rate, r.floor_p99);
      if (r.floor_server_us >= 0)
        std::printf(", server CPU %.1f us per request", r.floor_server_us);
      std::printf("%s%s\n", r.floor_error.empty() ? "" : "; failed: ", r.floor_error.c_str());
      if (r.floor_rate > 0) std::printf("webhooks / floor: %.2f\n", tput / r.floor_rate);
    }
    if (a.flood_connections > 0)
      std::printf("unsigned flood: %llu requests over %zu connections from %s (%.0f/s)\n",
                  static_cast<unsigned long long>(r.flood_sent), a.flood_connections,
                  a.flood_source.c_str(), r.flood_rate);
  }
}

int run_load(const load_args& a) {
  if (a.messages == 0 || a.conversations == 0 || a.batch == 0 || a.rate < 0) {
    std::cerr << "msgcenter load: --messages, --conversations and --batch must be positive\n";
    return 2;
  }
  report rep;
  int rc = a.url.empty() ? run_embedded(a, rep) : run_http(a, rep);
  if (rc != 0) return rc;
  print_report(a, rep);
  return rep.failed == 0 ? 0 : 1;
}

}  // namespace

void add_load_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<load_args>();
  auto* cmd =
      app.add_subcommand("load", "Generate an inbound burst and report throughput and latency");
  cmd->add_option("--messages", a->messages, "Inbound messages to send")->capture_default_str();
  cmd->add_option("--conversations", a->conversations, "Distinct client phones (conversations)")
      ->capture_default_str();
  cmd->add_option("--staff", a->staff, "Staff members who see every conversation (embedded)")
      ->capture_default_str();
  cmd->add_option("--batch", a->batch, "Messages per ingest() batch (embedded)")
      ->capture_default_str();
  cmd->add_option("--rate", a->rate, "Target messages/s; 0 = as fast as possible")
      ->capture_default_str();
  cmd->add_option("--inflight", a->inflight, "Batches in flight at most (embedded)")
      ->capture_default_str();
  cmd->add_option("--data", a->data_dir, "LMDB directory: durable engine (embedded)");
  cmd->add_flag("--json", a->json, "Print the report as one JSON object");
  cmd->add_flag("--no-progress", a->no_progress, "No progress bar even on a terminal");
  cmd->add_option("--url", a->url, "Base URL of a running `msgcenter serve` (http://host:port)");
  cmd->add_option("--token", a->token, "Twilio auth token of the business (--url)");
  cmd->add_option("--admin-key", a->admin_key,
                  "Admin key of the server (--url; default $MSGCENTER_ADMIN_KEY): creates the "
                  "business, its number, staff and Twilio credentials first");
  cmd->add_option("--business", a->business, "Business id used with --admin-key")
      ->capture_default_str();
  cmd->add_option("--account-sid", a->account_sid, "AccountSid sent in webhooks (--url)")
      ->capture_default_str();
  cmd->add_option("--number", a->number, "The business number messages are sent to")
      ->capture_default_str();
  cmd->add_option("--connections", a->connections, "Concurrent HTTP connections (--url)")
      ->capture_default_str();
  cmd->add_option("--pipeline", a->pipeline,
                  "Requests in flight per connection, HTTP/1.1 pipelining (--url)")
      ->capture_default_str();
  cmd->add_option("--server-pid", a->server_pid,
                  "Process id of the server (--url): reports its CPU per request, apart from "
                  "the generator's");
  cmd->add_flag("--no-floor", a->no_floor,
                "Skip measuring the server's own HTTP floor (GET /healthz, same connections "
                "and depth) before the webhooks (--url)");
  cmd->add_option("--unsigned-flood", a->flood_connections,
                  "Connections sending wrongly signed webhooks during the run (--url)")
      ->capture_default_str();
  cmd->add_option("--flood-source", a->flood_source,
                  "Local address the unsigned flood connects from (--url)")
      ->capture_default_str();
  cmd->callback([a, &exit_code] { exit_code = run_load(*a); });
}

}  // namespace msgcenter::cli
