// The network side of the HTTP API (Boost.Beast over Boost.Asio).
//
// Invariants:
// - Every connection (session) runs on its own strand: its members are touched only by
//   handlers on that strand, except that a worker thread reads req_/match_/who_ while a
//   request runs alone (serial_: nothing is read until the worker posts its answer back).
// - A connection's answers leave in the order of its requests (slots_), whatever order
//   they are ready in; webhooks are answered once their engine batch is durable.
// - in_flight counts requests from the moment their body is read to the moment their
//   response is written (or the connection is closed and their answer arrived); stop()
//   waits for it to reach 0. An established event stream is
//   not in flight (it never ends by itself): stop() closes it.
// - An event stream's queue (sse_channel) is filled by engine threads and drained by the
//   session's strand; it is bounded, and overflowing it closes that one stream.
#include "msgcenter/server/http_server.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "api.hpp"
#include "http_response.hpp"
#include "msgcenter/protocol.hpp"
#include "msgcenter/server/fair_worker_queue.hpp"
#include "msgcenter/server/form.hpp"
#include "msgcenter/server/http_status.hpp"
#include "msgcenter/server/static_files.hpp"
#include "static_site.hpp"
#include "webhook_batcher.hpp"

namespace msgcenter::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class session;

/// The bounded queue between the engine's event callback and one SSE connection.
struct sse_channel {
  std::mutex mutex;
  std::deque<staff_event> pending;
  std::size_t limit = 0;
  bool started = false;  ///< headers are out: events may be flushed
  bool flush_posted = false;
  bool overflow = false;
  bool closed = false;
  subscription sub;
  net::any_io_executor exec;
  std::weak_ptr<session> owner;
  std::string credential_hash;  ///< the stream's token: a revocation closes the stream

  /// Cancels the engine subscription; later events are dropped. Any thread.
  void shutdown() {
    subscription taken;
    {
      std::lock_guard<std::mutex> guard(mutex);
      closed = true;
      pending.clear();
      taken = std::move(sub);
    }
    taken.cancel();
  }
};

std::string format_event(const staff_event& ev) {
  // Presence and the closing notice are outside the resumable sequence (seq 0): no `id:`,
  // so a client's Last-Event-ID stays the last real event's.
  std::string out = ev.seq == 0 ? std::string() : "id: " + std::to_string(ev.seq) + "\n";
  out += "event: " + std::string(to_string(ev.kind)) + "\ndata: ";
  out += to_json(ev).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += "\n\n";
  return out;
}

bool quiet_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::bad_descriptor;
}

}  // namespace

struct http_server::impl {
  impl(server_options o, message_center& e, token_store& t, server_metrics& m)
      : opts(std::move(o)),
        engine(e),
        tokens(t),
        metrics(m),
        handler(opts, e, t, m),
        ioc(static_cast<int>(std::max(1u, opts.io_threads))) {
    if (!opts.web_root.empty()) web.emplace(opts.web_root, opts.limits.max_static_file_bytes);
  }

  server_options opts;
  message_center& engine;
  token_store& tokens;
  server_metrics& metrics;
  api handler;
  /// Signed webhooks on their way to the engine, in batches. Created at start(); closed in
  /// stop() once no request is read any more.
  std::optional<webhook_batcher> batcher;
  /// The web page's files, when a web root is configured.
  std::optional<static_site> web;

  // Declared before the io_context: sessions destroyed with its pending handlers use them.
  std::mutex registry_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<session>> sessions;
  std::unordered_map<std::uint64_t, std::weak_ptr<sse_channel>> channels;
  /// Open event streams per credential hash and per "business/staff" (limits.max_streams_*).
  std::unordered_map<std::string, std::size_t> streams_per_token;
  std::unordered_map<std::string, std::size_t> streams_per_staff;
  std::uint64_t next_id = 0;

  /// Takes a stream slot for (token, staff), or says which cap is full.
  std::optional<std::string> take_stream_slot(const std::string& token, const std::string& staff) {
    std::lock_guard<std::mutex> guard(registry_mutex);
    if (streams_per_token[token] >= opts.limits.max_streams_per_token)
      return "this token has " + std::to_string(opts.limits.max_streams_per_token) +
             " event streams open already";
    if (streams_per_staff[staff] >= opts.limits.max_streams_per_staff)
      return "this staff member has " + std::to_string(opts.limits.max_streams_per_staff) +
             " event streams open already";
    ++streams_per_token[token];
    ++streams_per_staff[staff];
    return std::nullopt;
  }
  /// Gives a slot back (registry_mutex held).
  void release_stream_slot_locked(const std::string& token, const std::string& staff) {
    if (auto it = streams_per_token.find(token); it != streams_per_token.end() && --it->second == 0)
      streams_per_token.erase(it);
    if (auto it = streams_per_staff.find(staff); it != streams_per_staff.end() && --it->second == 0)
      streams_per_staff.erase(it);
  }
  /// Closes the event streams of credentials that stopped being valid (token_store's
  /// revocation listener): a revoked token hears nothing more.
  void close_streams_of(const std::vector<std::string>& hashes);

  std::atomic<bool> draining{false};
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> queued{0};
  std::mutex idle_mutex;
  std::condition_variable idle_cv;

  net::io_context ioc;
  /// Keeps ioc.run() going while no socket operation is pending (e.g. during stop(), when
  /// the only outstanding work is an engine call on a worker that will post its answer).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::optional<net::thread_pool> workers;
  /// The workers shared fairly between businesses (security review M9).
  std::optional<fair_worker_queue> fair_workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;

  void do_accept();
  void request_done() {
    if (--in_flight == 0) {
      std::lock_guard<std::mutex> guard(idle_mutex);
      idle_cv.notify_all();
    }
  }
};

namespace {

class session : public webhook_batcher::sink, public std::enable_shared_from_this<session> {
 public:
  session(http_server::impl& srv, tcp::socket&& socket, std::uint64_t id)
      : srv_(srv),
        stream_(std::move(socket)),
        id_(id),
        heartbeat_(stream_.get_executor()),
        idle_timer_(stream_.get_executor()) {
    ++srv_.metrics.connections;
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
  }

  ~session() {
    if (sse_) sse_->shutdown();
    if (counted_subscriber_) --srv_.metrics.sse_subscribers;
    --srv_.metrics.connections;
    std::lock_guard<std::mutex> guard(srv_.registry_mutex);
    if (holds_stream_slot_) srv_.release_stream_slot_locked(slot_token_, slot_staff_);
    srv_.sessions.erase(id_);
    srv_.channels.erase(id_);
  }

  void release_stream_slot() {
    if (!holds_stream_slot_) return;
    std::lock_guard<std::mutex> guard(srv_.registry_mutex);
    srv_.release_stream_slot_locked(slot_token_, slot_staff_);
    holds_stream_slot_ = false;
  }

  /// Its credential was revoked: an event stream ends now.
  void credential_revoked() {
    if (sse_) close();
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  /// The server is stopping: close unless requests are being answered (the connection
  /// closes after the last of them).
  void server_stopping() {
    no_more_reads_ = true;
    if (sse_ || (slots_.empty() && !http_writing_ && !on_drained_)) close();
  }

  /// Moves the queued events into the next write, unless a write is still running: then
  /// they stay queued (and count against the bound) until the socket takes the current one.
  void sse_flush() {
    if (!sse_ || closed_) return;
    std::deque<staff_event> batch;
    {
      std::lock_guard<std::mutex> guard(sse_->mutex);
      // While writing, flush_posted stays set so the engine posts no more flushes: the
      // write's completion calls this again.
      if (!writing_) {
        sse_->flush_posted = false;
        batch.swap(sse_->pending);
      }
    }
    for (const auto& ev : batch) {
      if (sse_ending_) break;
      next_ += format_event(ev);
      // The engine ended the stream (the staff member may no longer read messages): the
      // `closed` event is written, then the connection closes.
      if (ev.kind == event_kind::closed) sse_ending_ = true;
    }
    if (sse_ending_ && next_.empty() && !writing_) return close();
    sse_write();
  }

  void sse_overflow() {
    if (closed_) return;
    ++srv_.metrics.sse_slow_disconnects;
    close();
  }

 private:
  const server_limits& limits() const { return srv_.opts.limits; }
  std::string staff_key() const { return who_.business + "/" + who_.staff; }

  // ---- requests ------------------------------------------------------------------------
  //
  // Pipelining: a request read gets a slot in slots_ (its answer's place) and, unless it
  // must run alone, the next request is read at once. Answers fill their slots in any order
  // (webhooks as their engine batch finishes) and leave in slot order, as many ready ones
  // per write as there are. A request that must run alone (a worker's engine call, a file,
  // an event stream) waits until every earlier answer is written, and nothing is read
  // while it runs: its worker reads req_/match_/who_, and its effects come before the
  // next request's (read your writes on one connection).

  struct out_slot {
    bool ready = false;
    bool retired = false;  ///< its in_flight count was given back
    bool keep_alive = true;
    bool linger = false;
    bool head = false;
    std::string label = "unmatched";  ///< the route, for metrics
    std::chrono::steady_clock::time_point received;
    std::string bytes;
  };

  out_slot& slot(std::uint64_t no) { return slots_[static_cast<std::size_t>(no - first_slot_)]; }
  out_slot& current() { return slot(current_); }

  /// A request was read: its answer's slot, counted in flight until written.
  void open_slot(bool keep_alive, bool head) {
    out_slot s;
    s.keep_alive = keep_alive;
    s.head = head;
    s.received = std::chrono::steady_clock::now();
    slots_.push_back(std::move(s));
    current_ = first_slot_ + slots_.size() - 1;
    ++srv_.in_flight;
    if (!keep_alive) no_more_reads_ = true;
  }

  void retire(out_slot& s) {
    if (s.retired) return;
    s.retired = true;
    srv_.request_done();
  }

  void read_request() {
    if (closed_ || reading_ || serial_ || no_more_reads_ || on_drained_) return;
    if (srv_.draining) {
      if (slots_.empty() && !http_writing_) close();
      return;
    }
    if (slots_.size() >= limits().max_pipelined_requests) return;  // resumes after a write
    reading_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
    parser_->body_limit(limits().max_body_bytes);
    // The header timeout counts from the last answer written (idle_deadline), not while
    // this connection's earlier requests are still being answered.
    stream_.expires_never();
    if (slots_.empty()) arm_idle_deadline();
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void arm_idle_deadline() {
    idle_timer_.expires_after(limits().header_timeout);
    idle_timer_.async_wait([self = shared_from_this(), gen = ++idle_gen_](beast::error_code ec) {
      if (ec || gen != self->idle_gen_ || self->closed_) return;
      if (self->reading_ && self->slots_.empty()) self->close();  // a header too slow
    });
  }

  void on_header(beast::error_code ec) {
    ++idle_gen_;  // the header is in: the idle deadline is over
    if (ec == http::error::body_limit) return too_large();
    if (ec) return read_failed(ec);
    const auto& h = parser_->get();
    if (beast::iequals(h[http::field::expect], "100-continue") && !parser_->is_done()) {
      // The interim answer comes after every earlier answer.
      if (!slots_.empty() || http_writing_) {
        on_drained_ = [this] { send_continue(); };
        return;
      }
      return send_continue();
    }
    read_body();
  }

  void send_continue() {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    http_writing_ = true;
    stream_.expires_after(limits().write_timeout);
    http::async_write(stream_, *cont,
                      [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                        self->http_writing_ = false;
                        if (ec) return self->close();
                        self->read_body();
                      });
  }

  void read_body() {
    stream_.expires_after(limits().body_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec) return read_failed(ec);
    reading_ = false;
    handle();
  }

  void read_failed(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::header_limit) return bad_request(431, "request header too large");
    if (quiet_error(ec) || ec == http::error::partial_message) {
      // The client stopped sending (or half-closed after its pipeline): answer what was
      // read, then close. A timeout has closed the socket already.
      no_more_reads_ = true;
      if (ec == beast::error::timeout || (slots_.empty() && !http_writing_)) close();
      return;
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
      return bad_request(400, "malformed HTTP request");
    close();
  }

  void bad_request(unsigned status, const char* text) {
    open_slot(false, false);
    respond(json_reply(error_body("invalid_argument", text), status));
  }

  void too_large() {
    reading_ = false;
    open_slot(false, false);
    current().linger = true;
    respond(json_reply(error_body(
        kRequestTooLarge,
        "the request body is larger than " + std::to_string(limits().max_body_bytes) + " bytes")));
  }

  /// Whether the request must wait for the earlier answers and run alone (see above).
  bool runs_alone(const http::request<http::string_body>& msg) const {
    if (srv_.draining) return false;
    auto [path, query] = split_target(msg.target());
    (void)query;
    auto m = match_route(msg.method_string(), path);
    if (!m.found) return srv_.web.has_value() && !is_api_path(path);
    switch (m.found->kind) {
      case route_kind::webhook_sms:
      case route_kind::webhook_status:
      case route_kind::healthz:
      case route_kind::metrics:
      case route_kind::openapi:
        return false;
      default:
        return true;
    }
  }

  void handle() {
    auto& msg = parser_->get();
    if ((!slots_.empty() || http_writing_) && runs_alone(msg)) {
      on_drained_ = [this] { handle(); };
      return;
    }
    open_slot(msg.keep_alive(), msg.method() == http::verb::head);
    req_ = api_request{};
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    req_.host = std::string(msg[http::field::host]);
    req_.authorization = std::string(msg[http::field::authorization]);
    req_.content_type = std::string(msg[http::field::content_type]);
    req_.twilio_signature = std::string(msg["X-Twilio-Signature"]);
    req_.if_none_match = std::string(msg[http::field::if_none_match]);
    req_.remote = remote_;
    last_event_id_ = std::string(msg["Last-Event-ID"]);
    req_.body = std::move(msg.body());
    req_.received = current().received;
    if (srv_.draining) {
      current().keep_alive = false;
      no_more_reads_ = true;
      return respond(json_reply(error_body("unavailable", "the server is shutting down")));
    }
    auto [path, query] = split_target(req_.target);
    match_ = match_route(req_.method, path);
    if (!match_.found && srv_.web && !is_api_path(path)) return serve_static(path);
    if (!match_.found) {
      if (match_.wrong_method) {
        api_reply r = json_reply(error_body("invalid_argument", "method not allowed"), 405);
        r.headers.emplace_back("Allow", match_.allow);
        respond(std::move(r));
      } else {
        respond(json_reply(error_body("not_found", "no such route")));
      }
      return read_request();
    }
    const route& r = *match_.found;
    current().label = std::string(r.pattern);
    if (auto refusal = srv_.handler.admit(match_, req_, who_)) {
      respond(std::move(*refusal));
      return read_request();
    }
    if (r.kind == route_kind::webhook_sms || r.kind == route_kind::webhook_status) {
      webhook(r);
      return read_request();
    }
    if (r.kind == route_kind::healthz || r.kind == route_kind::metrics ||
        r.kind == route_kind::openapi) {
      respond(srv_.handler.execute(match_, who_, req_));
      return read_request();
    }
    serial_ = true;
    if (r.kind == route_kind::events) return start_events(query);
    run_on_worker([self = shared_from_this(), no = current_] {
      api_reply reply;
      try {
        reply = self->srv_.handler.execute(self->match_, self->who_, self->req_);
      } catch (const std::exception& e) {
        reply =
            json_reply(error_body("unavailable", std::string("internal error: ") + e.what()), 500);
      }
      net::post(self->stream_.get_executor(), [self, no, reply = std::move(reply)]() mutable {
        self->respond_to(no, std::move(reply));
      });
    });
  }

  /// A webhook: checked here, on the network thread, then handed to the batcher; its slot
  /// is filled when the engine answers (deliver_inbound / deliver_status).
  void webhook(const route& r) {
    auto intake = srv_.handler.prepare_webhook(r, req_);
    if (intake.reply) return respond(std::move(*intake.reply));
    if (intake.inbound)
      return srv_.batcher->submit(std::move(*intake.inbound), shared_from_this(), current_);
    srv_.batcher->submit_status(intake.status->first, std::move(intake.status->second),
                                shared_from_this(), current_);
  }

 public:
  void deliver_inbound(
      std::vector<std::pair<std::uint64_t, result<inbound_reply>>> answers) override {
    net::post(stream_.get_executor(),
              [self = shared_from_this(), answers = std::move(answers)]() mutable {
                for (auto& [no, stored] : answers) {
                  if (no < self->first_slot_) continue;
                  auto received = self->slot(no).received;
                  self->respond_to(no, self->srv_.handler.inbound_answer(stored, received), false);
                }
                self->flush_writes();
              });
  }

  void deliver_status(std::uint64_t no, result<status_reply> answer) override {
    net::post(stream_.get_executor(),
              [self = shared_from_this(), no, answer = std::move(answer)]() mutable {
                self->respond_to(no, self->srv_.handler.status_answer(answer));
              });
  }

 private:
  /// A file of the web page (GET or HEAD), read on a worker: file I/O may block.
  void serve_static(std::string_view path) {
    current().label = "static";
    if (req_.method != "GET" && req_.method != "HEAD") {
      api_reply r = json_reply(error_body("invalid_argument", "method not allowed"), 405);
      r.headers.emplace_back("Allow", "GET, HEAD");
      respond(std::move(r));
      return read_request();
    }
    serial_ = true;
    run_on_worker([self = shared_from_this(), no = current_, file = std::string(path)] {
      auto reply = self->srv_.web->serve(file, self->req_.if_none_match);
      net::post(self->stream_.get_executor(), [self, no, reply = std::move(reply)]() mutable {
        self->respond_to(no, std::move(reply));
      });
    });
  }

  /// The line of the worker pool this request waits in: its business (from the credential,
  /// or the path of an admin route), so businesses share the workers fairly.
  std::string worker_line() const {
    if (!who_.business.empty()) return who_.business;
    for (auto& [name, value] : match_.params)
      if (name == "business") return value;
    return {};
  }

  /// Queues `job` for the worker pool, or answers 429 when the queue is full.
  template <class Job>
  void run_on_worker(Job job) {
    if (srv_.queued.load() >= limits().max_queued_requests) {
      sse_.reset();
      release_stream_slot();
      api_reply r = json_reply(error_body("overloaded", "too many requests waiting; retry later"));
      r.headers.emplace_back("Retry-After", "1");
      return respond(std::move(r));
    }
    ++srv_.queued;
    srv_.fair_workers->submit(worker_line(), [this, job = std::move(job)]() mutable {
      --srv_.queued;
      job();
    });
  }

  /// Answers the request being handled.
  void respond(api_reply reply) { respond_to(current_, std::move(reply)); }

  /// Fills slot `no` with its answer and writes what is ready, in order.
  void respond_to(std::uint64_t no, api_reply reply, bool flush = true) {
    if (no < first_slot_) return;
    auto& s = slot(no);
    srv_.metrics.count_request(s.label, reply.status);
    if (closed_) return retire(s);
    // The last answer of a stopping server closes the connection.
    if (srv_.draining && no_more_reads_ && no + 1 == first_slot_ + slots_.size())
      s.keep_alive = false;
    if (reply.twiml_ok && !s.head)
      s.bytes = twiml_ok_bytes(s.keep_alive);
    else
      s.bytes = render_response(reply, s.keep_alive, s.head);
    s.ready = true;
    if (no == current_ && serial_) {
      serial_ = false;  // its worker is done with req_: reading may go on
      read_request();
    }
    if (flush) flush_writes();
  }

  /// Writes the ready answers at the front, in one write.
  void flush_writes() {
    if (http_writing_ || closed_) return;
    wbuf_.clear();
    std::size_t n = 0;
    bool keep_alive = true, linger = false;
    for (auto& s : slots_) {
      if (!s.ready) break;
      wbuf_ += s.bytes;
      ++n;
      keep_alive = s.keep_alive;
      linger = s.linger;
      if (!keep_alive) break;  // nothing after a closing answer
    }
    if (n == 0) return;
    http_writing_ = true;
    stream_.expires_after(limits().write_timeout);
    net::async_write(
        stream_, net::buffer(wbuf_),
        [self = shared_from_this(), n, keep_alive, linger](beast::error_code ec, std::size_t) {
          self->on_write(ec, n, keep_alive, linger);
        });
  }

  void on_write(beast::error_code ec, std::size_t n, bool keep_alive, bool linger) {
    http_writing_ = false;
    for (std::size_t i = 0; i < n && !slots_.empty(); ++i) {
      retire(slots_.front());
      slots_.pop_front();
      ++first_slot_;
    }
    if (ec) return close();
    if (linger) return linger_close();
    if (!keep_alive) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return close();
    }
    if (slots_.empty()) {
      if (on_drained_) {
        auto next = std::move(on_drained_);
        on_drained_ = nullptr;
        return next();
      }
      if (srv_.draining || (no_more_reads_ && !reading_)) return close();
      if (reading_) arm_idle_deadline();
    }
    flush_writes();
    read_request();
  }

  /// After an early answer (413), the client may still be sending its body: read and
  /// discard it for a moment so the answer is not lost to a connection reset.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain_some(8 * limits().max_body_bytes + (1 << 20));
  }

  void drain_some(std::size_t budget) {
    auto buf = std::make_shared<std::array<char, 16384>>();
    stream_.async_read_some(net::buffer(*buf), [self = shared_from_this(), buf, budget](
                                                   beast::error_code ec, std::size_t n) {
      if (ec || n >= budget) return self->close();
      self->drain_some(budget - n);
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    // Answers never to be written are not in flight any more; those still in the engine
    // give theirs back when they arrive (respond_to).
    for (auto& s : slots_)
      if (s.ready) retire(s);
    if (sse_) sse_->shutdown();
    heartbeat_.cancel();
    idle_timer_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // ---- Server-Sent Events -------------------------------------------------------------

  void start_events(std::string_view query) {
    // Resume point: the Last-Event-ID header, or ?last_event_id= for clients that cannot
    // set headers on their first connection.
    std::string after = last_event_id_;
    if (auto fields = parse_form(query); fields.ok()) {
      for (auto& [k, v] : fields.value()) {
        if (k == "last_event_id") {
          if (after.empty()) after = v;
        } else {
          return respond(
              json_reply(error_body("invalid_argument", "unknown query parameter `" + k + "`")));
        }
      }
    } else {
      return respond(json_reply(error_body("invalid_argument", fields.error().message)));
    }
    std::uint64_t after_seq = 0;
    if (!after.empty()) {
      if (after.size() > 19 || after.find_first_not_of("0123456789") != std::string::npos)
        return respond(
            json_reply(error_body("invalid_argument", "Last-Event-ID must be an event id")));
      after_seq = std::stoull(after);
    }
    if (auto full = srv_.take_stream_slot(who_.credential_hash, staff_key())) {
      api_reply r = json_reply(error_body("overloaded", *full + "; close one first"));
      r.headers.emplace_back("Retry-After", "5");
      return respond(std::move(r));
    }
    holds_stream_slot_ = true;
    slot_token_ = who_.credential_hash;
    slot_staff_ = staff_key();
    sse_ = std::make_shared<sse_channel>();
    sse_->credential_hash = who_.credential_hash;
    sse_->limit = limits().sse_queue_events;
    sse_->exec = stream_.get_executor();
    sse_->owner = weak_from_this();
    {
      std::lock_guard<std::mutex> guard(srv_.registry_mutex);
      srv_.channels[id_] = sse_;
    }
    std::weak_ptr<sse_channel> weak = sse_;
    auto on_event = [weak](const staff_event& ev) {
      auto ch = weak.lock();
      if (!ch) return;
      std::unique_lock<std::mutex> lock(ch->mutex);
      if (ch->closed || ch->overflow) return;
      if (ch->pending.size() >= ch->limit) {
        ch->overflow = true;
        lock.unlock();
        net::post(ch->exec, [ch] {
          if (auto s = ch->owner.lock()) s->sse_overflow();
        });
        return;
      }
      ch->pending.push_back(ev);
      if (ch->started && !ch->flush_posted) {
        ch->flush_posted = true;
        lock.unlock();
        net::post(ch->exec, [ch] {
          if (auto s = ch->owner.lock()) s->sse_flush();
        });
      }
    };
    run_on_worker([self = shared_from_this(), on_event, after_seq] {
      const op_context ctx{self->who_.business, self->who_.staff, std::nullopt};
      auto sub = std::make_shared<result<subscription>>(
          self->srv_.engine.subscribe(ctx, on_event, after_seq));
      net::post(self->stream_.get_executor(),
                [self, sub] { self->on_subscribed(std::move(*sub)); });
    });
  }

  void on_subscribed(result<subscription> sub) {
    if (!sub) {
      sse_.reset();
      release_stream_slot();
      return respond(json_reply(error_body(to_string(sub.error().code), sub.error().message)));
    }
    if (closed_ || srv_.draining) {
      sub.value().cancel();
      current().keep_alive = false;
      return respond(json_reply(error_body("unavailable", "the server is shutting down")));
    }
    const std::uint64_t start_seq = sub.value().start_seq();
    {
      std::lock_guard<std::mutex> guard(sse_->mutex);
      sse_->sub = std::move(sub.value());
      sse_->started = true;
    }
    counted_subscriber_ = true;
    ++srv_.metrics.sse_subscribers;
    srv_.metrics.count_request(current().label, 200);
    // An open stream is not a request in flight; its slot was the only one (it ran alone).
    retire(current());
    slots_.pop_front();
    ++first_slot_;
    next_ =
        "HTTP/1.1 200 OK\r\nServer: msgcenter\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n"
        "retry: 3000\n: subscribed after " +
        std::to_string(start_seq) + "\n\n";
    if (limits().sse_send_buffer_bytes > 0) {
      beast::error_code ignored;
      stream_.socket().set_option(
          net::socket_base::send_buffer_size(static_cast<int>(limits().sse_send_buffer_bytes)),
          ignored);
    }
    // Reading detects a client that went away; the read has no deadline (writes do).
    stream_.expires_never();
    watch_peer();
    sse_flush();
    arm_heartbeat();
  }

  void watch_peer() {
    stream_.async_read_some(
        net::buffer(peer_buf_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
          // A write timing out closes the socket under this read too: leave the verdict (slow
          // reader) to the write's handler.
          if (ec == net::error::operation_aborted && self->writing_) return;
          if (ec) return self->close();
          self->watch_peer();  // a client has nothing to say on an event stream: ignore it
        });
  }

  void arm_heartbeat() {
    heartbeat_.expires_after(limits().sse_heartbeat);
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->next_ += ": heartbeat\n\n";
      self->sse_write();
      self->arm_heartbeat();
    });
  }

  void sse_write() {
    if (writing_ || closed_ || next_.empty()) return;
    out_.swap(next_);
    next_.clear();
    writing_ = true;
    stream_.expires_after(limits().write_timeout);
    net::async_write(stream_, net::buffer(out_),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->writing_ = false;
                       self->out_.clear();
                       if (ec == beast::error::timeout)
                         return self->sse_overflow();  // a reader too slow
                       if (ec) return self->close();
                       self->sse_flush();  // what queued up meanwhile, in one write
                     });
  }

  http_server::impl& srv_;
  beast::tcp_stream stream_;
  std::uint64_t id_;
  net::steady_timer heartbeat_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  api_request req_;
  route_match match_;
  principal who_;
  std::string last_event_id_;
  std::string remote_;  ///< the peer's address
  bool holds_stream_slot_ = false;
  bool sse_ending_ = false;              ///< the `closed` event is queued: close once it is written
  std::string slot_token_, slot_staff_;  ///< the stream slot held (take_stream_slot)
  // Requests and their answers (see "requests" above).
  std::deque<out_slot> slots_;
  std::uint64_t first_slot_ = 0;  ///< the number of slots_.front()
  std::uint64_t current_ = 0;     ///< the slot of the request being handled
  bool reading_ = false;          ///< a request's header or body is being read
  bool serial_ = false;           ///< a request running alone has not been answered yet
  bool no_more_reads_ = false;    ///< the client or the server ends the connection
  bool http_writing_ = false;
  std::function<void()> on_drained_;  ///< what waits for every earlier answer to be written
  std::string wbuf_;                  ///< answers being written
  net::steady_timer idle_timer_;
  std::uint64_t idle_gen_ = 0;
  bool closed_ = false;
  // Event stream state.
  std::shared_ptr<sse_channel> sse_;
  bool counted_subscriber_ = false;
  bool writing_ = false;
  std::string next_;  ///< bytes waiting for the current write to finish
  std::string out_;   ///< bytes being written
  std::array<char, 512> peer_buf_{};
};

}  // namespace

void http_server::impl::close_streams_of(const std::vector<std::string>& hashes) {
  std::vector<std::shared_ptr<session>> hit;
  {
    std::lock_guard<std::mutex> guard(registry_mutex);
    for (auto& [id, weak] : channels) {
      auto ch = weak.lock();
      if (!ch || std::find(hashes.begin(), hashes.end(), ch->credential_hash) == hashes.end())
        continue;
      if (auto s = ch->owner.lock()) hit.push_back(std::move(s));
    }
  }
  for (auto& s : hit) net::post(s->executor(), [s] { s->credential_revoked(); });
}

void http_server::impl::do_accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor->is_open() || draining) return;
      // Out of descriptors (or another transient failure): wait a little instead of spinning.
      accept_retry->expires_after(std::chrono::milliseconds(50));
      accept_retry->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !draining) do_accept();
      });
      return;
    }
    if (draining) return;
    if (static_cast<std::size_t>(std::max<std::int64_t>(0, metrics.connections.load())) >=
        opts.limits.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::shared_ptr<session> s;
      {
        std::lock_guard<std::mutex> guard(registry_mutex);
        auto id = ++next_id;
        s = std::make_shared<session>(*this, std::move(socket), id);
        sessions.emplace(id, s);
      }
      s->start();
    }
    do_accept();
  });
}

http_server::http_server(server_options opts, message_center& engine, token_store& tokens,
                         server_metrics& metrics)
    : impl_(std::make_unique<impl>(std::move(opts), engine, tokens, metrics)) {}

http_server::~http_server() { stop(); }

status http_server::start() {
  auto& s = *impl_;
  if (s.started.exchange(true))
    return make_error(errc::invalid_argument, "the server was started already");
  beast::error_code ec;
  auto address = net::ip::make_address(s.opts.host, ec);
  if (ec)
    return make_error(errc::invalid_argument,
                      "cannot listen on `" + s.opts.host + "`: not an IP address");
  tcp::endpoint endpoint{address, s.opts.port};
  s.acceptor.emplace(net::make_strand(s.ioc));
  s.accept_retry.emplace(s.acceptor->get_executor());
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    s.stopped = true;
    return make_error(errc::unavailable, "cannot listen on " + s.opts.host + ":" +
                                             std::to_string(s.opts.port) + ": " + ec.message());
  }
  s.bound_port = s.acceptor->local_endpoint().port();
  s.tokens.on_revoked([&s](const std::vector<std::string>& hashes) { s.close_streams_of(hashes); });
  s.workers.emplace(std::max(1u, s.opts.limits.workers));
  s.fair_workers.emplace(
      [&s](fair_worker_queue::job j) { net::post(*s.workers, std::move(j)); },
      std::clamp(s.opts.limits.workers_per_business, 1u, std::max(1u, s.opts.limits.workers)));
  webhook_batcher::limits wl;
  wl.batches_in_flight = std::max<std::size_t>(1, s.opts.limits.webhook_batches_in_flight);
  wl.batch_max = std::max<std::size_t>(1, s.opts.limits.webhook_batch_max);
  wl.max_waiting = s.opts.limits.max_waiting_webhooks;
  s.batcher.emplace(s.engine, wl);
  s.keep_running.emplace(s.ioc.get_executor());
  s.do_accept();
  for (unsigned i = 0; i < std::max(1u, s.opts.io_threads); ++i)
    s.threads.emplace_back([&s] { s.ioc.run(); });
  return unit{};
}

std::uint16_t http_server::port() const noexcept { return impl_->bound_port; }

std::size_t http_server::in_flight() const noexcept { return impl_->in_flight.load(); }

std::size_t http_server::stop() {
  auto& s = *impl_;
  if (!s.started || s.stopped.exchange(true)) return 0;
  s.draining = true;
  s.tokens.on_revoked({});
  // 1. Stop accepting.
  std::promise<void> closed;
  net::post(s.acceptor->get_executor(), [&] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_retry->cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  // 2. Close idle connections and event streams; busy ones close after their answer.
  std::vector<std::shared_ptr<session>> live;
  {
    std::lock_guard<std::mutex> guard(s.registry_mutex);
    for (auto& [id, weak] : s.sessions)
      if (auto p = weak.lock()) live.push_back(std::move(p));
  }
  for (auto& p : live) net::post(p->executor(), [p] { p->server_stopping(); });
  live.clear();
  // 3. Let the requests in flight finish.
  {
    std::unique_lock<std::mutex> lock(s.idle_mutex);
    s.idle_cv.wait_for(lock, s.opts.limits.shutdown_grace, [&] { return s.in_flight.load() == 0; });
  }
  const std::size_t abandoned = s.in_flight.load();
  // 4. No engine subscription may outlive the server, whatever the strands still hold.
  std::vector<std::shared_ptr<sse_channel>> channels;
  {
    std::lock_guard<std::mutex> guard(s.registry_mutex);
    for (auto& [id, weak] : s.channels)
      if (auto c = weak.lock()) channels.push_back(std::move(c));
  }
  for (auto& c : channels) c->shutdown();
  channels.clear();
  // 5. Stop the threads. Handlers still queued are destroyed with the io_context. The
  // batcher first: its last answers post to the sessions' strands.
  s.batcher->close();
  s.workers->join();
  s.keep_running.reset();
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  return abandoned;
}

}  // namespace msgcenter::server
