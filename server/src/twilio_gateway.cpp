// The Twilio outbound gateway: a queue in front of asynchronous HTTP(S) exchanges run on
// the gateway's own io thread.
//
// Invariants: `queue_` and `active_` are guarded by `mutex_`; every job's on_accepted is
// called exactly once: by finish() after its exchange, or by stop() for jobs never started.
#include "msgcenter/server/twilio_gateway.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "crypto.hpp"
#include "msgcenter/server/form.hpp"

namespace msgcenter::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

struct api_endpoint {
  bool tls = true;
  std::string host;
  std::string port;
  std::string prefix;  ///< path prefix, without a trailing slash
};

result<api_endpoint> parse_api_url(const std::string& url) {
  api_endpoint e;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    e.tls = true;
    e.port = "443";
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    e.tls = false;
    e.port = "80";
    rest = url.substr(7);
  } else {
    return make_error(errc::invalid_argument,
                      "the Twilio API URL must start with http:// or https://");
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) e.prefix = rest.substr(slash);
  while (!e.prefix.empty() && e.prefix.back() == '/') e.prefix.pop_back();
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    e.host = authority.substr(0, colon);
    e.port = authority.substr(colon + 1);
  } else {
    e.host = authority;
  }
  if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']')
    e.host = e.host.substr(1, e.host.size() - 2);
  if (e.host.empty()) return make_error(errc::invalid_argument, "the Twilio API URL has no host");
  return e;
}

/// Twilio's error codes onto the engine's (the rest by HTTP status).
errc map_twilio_error(unsigned http_status, int code) {
  switch (code) {
    case 21211:
      return errc::invalid_phone;  // invalid 'To'
    case 21614:
      return errc::not_mobile;  // 'To' is not a mobile number
    case 21610:
      return errc::opted_out;  // the recipient replied STOP
    default:
      break;
  }
  if (http_status == 429) return errc::overloaded;
  if (http_status == 401 || http_status == 403) return errc::permission_denied;
  if (http_status >= 400 && http_status < 500) return errc::invalid_argument;
  return errc::unavailable;
}

struct job {
  outbound_sms sms;
  gateway::accepted_fn done;
};

}  // namespace

struct twilio_gateway::impl : std::enable_shared_from_this<twilio_gateway::impl> {
  explicit impl(twilio_gateway_options o)
      : opts(std::move(o)), tls(ssl::context::tls_client), guard(ioc.get_executor()) {
    auto parsed = parse_api_url(opts.api_url);
    if (parsed)
      endpoint = parsed.value();
    else
      url_error = parsed.error().message;
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
  }

  twilio_gateway_options opts;
  api_endpoint endpoint;
  std::string url_error;
  net::io_context ioc;
  ssl::context tls;
  net::executor_work_guard<net::io_context::executor_type> guard;
  std::thread thread;

  std::mutex mutex;
  std::condition_variable idle;
  account_lookup lookup;
  std::deque<job> queue;
  std::size_t active = 0;
  bool stopping = false;
  std::uint64_t next_exchange = 0;
  std::map<std::uint64_t, std::function<void()>> cancelers;  ///< io thread only

  std::atomic<std::uint64_t> submitted{0}, accepted{0}, failed{0};

  void pump();
  void start(job j);
  void finish(job& j, result<std::string> outcome) {
    if (outcome)
      ++accepted;
    else
      ++failed;
    auto done = std::move(j.done);
    if (done) done(std::move(outcome));
    {
      std::lock_guard<std::mutex> g(mutex);
      --active;
    }
    idle.notify_all();
    // Posted, not called: a run of failing jobs must not recurse through pump().
    net::post(ioc, [self = shared_from_this()] { self->pump(); });
  }
};

namespace {

/// One HTTP exchange with the API, over a plain or a TLS stream.
template <bool Tls>
class exchange : public std::enable_shared_from_this<exchange<Tls>> {
  using stream_type =
      std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  exchange(std::shared_ptr<twilio_gateway::impl> gw, job j, http::request<http::string_body> req,
           std::uint64_t id)
      : gw_(std::move(gw)),
        job_(std::move(j)),
        req_(std::move(req)),
        id_(id),
        resolver_(gw_->ioc),
        stream_(make_stream()) {}

  void run() {
    auto self = this->shared_from_this();
    gw_->cancelers[id_] = [self] { self->cancel(); };
    beast::get_lowest_layer(stream_).expires_after(gw_->opts.timeout);
    resolver_.async_resolve(
        gw_->endpoint.host, gw_->endpoint.port,
        [self](beast::error_code ec, tcp::resolver::results_type results) {
          if (ec) return self->fail("cannot resolve the Twilio API host: " + ec.message());
          beast::get_lowest_layer(self->stream_)
              .async_connect(results, [self](beast::error_code ec, const tcp::endpoint&) {
                self->on_connect(ec);
              });
        });
  }

 private:
  stream_type make_stream() {
    if constexpr (Tls)
      return stream_type(gw_->ioc, gw_->tls);
    else
      return stream_type(gw_->ioc);
  }

  void cancel() {
    resolver_.cancel();
    beast::get_lowest_layer(stream_).cancel();
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail("cannot connect to the Twilio API: " + ec.message());
    auto self = this->shared_from_this();
    if constexpr (Tls) {
      if (!SSL_set_tlsext_host_name(stream_.native_handle(), gw_->endpoint.host.c_str()))
        return fail("TLS: cannot set the server name");
      stream_.set_verify_callback(ssl::host_name_verification(gw_->endpoint.host));
      stream_.async_handshake(ssl::stream_base::client, [self](beast::error_code ec) {
        if (ec) return self->fail("TLS handshake with the Twilio API failed: " + ec.message());
        self->write();
      });
    } else {
      write();
    }
  }

  void write() {
    auto self = this->shared_from_this();
    http::async_write(stream_, req_, [self](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("cannot send to the Twilio API: " + ec.message());
      self->res_.body_limit(1 << 20);
      http::async_read(self->stream_, self->buffer_, self->res_,
                       [self](beast::error_code ec, std::size_t) {
                         if (ec)
                           return self->fail("no answer from the Twilio API: " + ec.message());
                         self->on_answer();
                       });
    });
  }

  void on_answer() {
    const auto& res = res_.get();
    const unsigned status = res.result_int();
    auto body = nlohmann::json::parse(res.body(), nullptr, false);
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (status >= 200 && status < 300) {
      if (body.is_object() && body.contains("sid") && body["sid"].is_string() &&
          !body["sid"].get<std::string>().empty())
        return done(body["sid"].get<std::string>());
      return done(make_error(errc::unavailable, "the Twilio API answered without a sid"));
    }
    int code = 0;
    std::string message = "HTTP " + std::to_string(status);
    if (body.is_object()) {
      if (body.contains("code") && body["code"].is_number_integer()) code = body["code"].get<int>();
      if (body.contains("message") && body["message"].is_string())
        message += ": " + body["message"].get<std::string>();
    }
    done(make_error(map_twilio_error(status, code),
                    "Twilio refused the message (" + std::to_string(code) + "): " + message));
  }

  void fail(std::string text) { done(make_error(errc::unavailable, std::move(text))); }

  void done(result<std::string> outcome) {
    if (finished_) return;
    finished_ = true;
    gw_->cancelers.erase(id_);
    gw_->finish(job_, std::move(outcome));
  }

  std::shared_ptr<twilio_gateway::impl> gw_;
  job job_;
  http::request<http::string_body> req_;
  std::uint64_t id_;
  tcp::resolver resolver_;
  stream_type stream_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> res_;
  bool finished_ = false;
};

}  // namespace

void twilio_gateway::impl::pump() {
  for (;;) {
    job next;
    {
      std::lock_guard<std::mutex> g(mutex);
      if (stopping || queue.empty() || active >= std::max<std::size_t>(1, opts.max_in_flight))
        return;
      next = std::move(queue.front());
      queue.pop_front();
      ++active;
    }
    start(std::move(next));
  }
}

void twilio_gateway::impl::start(job j) {
  if (!url_error.empty()) return finish(j, make_error(errc::unavailable, url_error));
  account_lookup find;
  {
    std::lock_guard<std::mutex> g(mutex);
    find = lookup;
  }
  if (!find)
    return finish(j, make_error(errc::unavailable, "the Twilio gateway has no account lookup"));
  auto account = find(j.sms);
  if (!account)
    return finish(j,
                  make_error(errc::unavailable, "no Twilio account: " + account.error().message));
  if (account->account_sid.empty() || account->auth_token.empty())
    return finish(j, make_error(errc::unavailable,
                                "the business has no twilio_account_sid/twilio_auth_token"));

  form_fields fields{{"To", j.sms.to}, {"From", j.sms.from}, {"Body", j.sms.body}};
  for (const auto& m : j.sms.media) fields.emplace_back("MediaUrl", m.url);
  if (!opts.status_callback_url.empty())
    fields.emplace_back("StatusCallback", opts.status_callback_url);

  http::request<http::string_body> req{http::verb::post,
                                       endpoint.prefix + "/2010-04-01/Accounts/" +
                                           percent_encode(account->account_sid) + "/Messages.json",
                                       11};
  const bool default_port =
      (endpoint.tls && endpoint.port == "443") || (!endpoint.tls && endpoint.port == "80");
  req.set(http::field::host, default_port ? endpoint.host : endpoint.host + ":" + endpoint.port);
  req.set(http::field::user_agent, "msgcenter-twilio-gateway/1");
  req.set(http::field::accept, "application/json");
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.set(http::field::authorization,
          "Basic " + crypto::base64(account->account_sid + ":" + account->auth_token));
  req.keep_alive(false);
  req.body() = encode_form(fields);
  req.prepare_payload();

  auto id = ++next_exchange;
  if (endpoint.tls)
    std::make_shared<exchange<true>>(shared_from_this(), std::move(j), std::move(req), id)->run();
  else
    std::make_shared<exchange<false>>(shared_from_this(), std::move(j), std::move(req), id)->run();
}

twilio_gateway::twilio_gateway(twilio_gateway_options opts)
    : impl_(std::make_shared<impl>(std::move(opts))) {
  auto p = impl_;
  impl_->thread = std::thread([p] { p->ioc.run(); });
}

twilio_gateway::~twilio_gateway() { stop(); }

void twilio_gateway::set_account_lookup(account_lookup lookup) {
  std::lock_guard<std::mutex> g(impl_->mutex);
  impl_->lookup = std::move(lookup);
}

void twilio_gateway::submit(outbound_sms sms, accepted_fn on_accepted) {
  ++impl_->submitted;
  std::optional<error> refused;
  {
    std::lock_guard<std::mutex> g(impl_->mutex);
    if (impl_->stopping)
      refused = make_error(errc::unavailable, "the Twilio gateway is stopped");
    else if (impl_->queue.size() >= impl_->opts.max_queued)
      refused = make_error(errc::overloaded, "the Twilio gateway's queue is full");
    else
      impl_->queue.push_back(job{std::move(sms), std::move(on_accepted)});
  }
  if (refused) {
    ++impl_->failed;
    on_accepted(std::move(*refused));
    return;
  }
  net::post(impl_->ioc, [p = impl_] { p->pump(); });
}

void twilio_gateway::stop(std::chrono::milliseconds grace) {
  auto& s = *impl_;
  std::deque<job> never_started;
  {
    std::lock_guard<std::mutex> g(s.mutex);
    if (s.stopping && !s.thread.joinable()) return;
    s.stopping = true;
    never_started.swap(s.queue);
  }
  for (auto& j : never_started) {
    ++s.failed;
    if (j.done) j.done(make_error(errc::unavailable, "the Twilio gateway stopped"));
  }
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    if (!s.idle.wait_for(lock, grace, [&] { return s.active == 0; })) {
      lock.unlock();
      // Cancel what still runs: each exchange then reports `unavailable` itself.
      net::post(s.ioc, [p = impl_] {
        auto cancelers = p->cancelers;
        for (auto& [id, cancel] : cancelers) cancel();
      });
      lock.lock();
      s.idle.wait_for(lock, std::chrono::seconds(2), [&] { return s.active == 0; });
    }
  }
  // Cancel whatever still runs and let the loop run dry: every queued handler runs (and
  // drops its reference to impl) before the thread ends, so nothing is left holding impl
  // inside its own io_context.
  net::post(s.ioc, [p = impl_] {
    auto cancelers = p->cancelers;
    for (auto& [id, cancel] : cancelers) cancel();
  });
  s.guard.reset();
  if (s.thread.joinable()) {
    if (s.thread.get_id() == std::this_thread::get_id())
      s.thread.detach();
    else
      s.thread.join();
  }
}

twilio_gateway::counters twilio_gateway::stats() const {
  return {impl_->submitted.load(), impl_->accepted.load(), impl_->failed.load()};
}

std::string twilio_gateway::metrics_text() const {
  auto c = stats();
  std::ostringstream out;
  out << "# HELP msgcenter_twilio_submitted_total Outbound messages handed to the Twilio gateway.\n"
      << "# TYPE msgcenter_twilio_submitted_total counter\nmsgcenter_twilio_submitted_total "
      << c.submitted << "\n"
      << "# HELP msgcenter_twilio_accepted_total Outbound messages Twilio accepted (a sid came "
         "back).\n"
      << "# TYPE msgcenter_twilio_accepted_total counter\nmsgcenter_twilio_accepted_total "
      << c.accepted << "\n"
      << "# HELP msgcenter_twilio_failed_total Outbound messages that failed before or at Twilio.\n"
      << "# TYPE msgcenter_twilio_failed_total counter\nmsgcenter_twilio_failed_total " << c.failed
      << "\n";
  return out.str();
}

}  // namespace msgcenter::server
