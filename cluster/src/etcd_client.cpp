// Unary calls: one connection, one POST, one bounded answer, all under one deadline on a
// private io_context, so a frozen etcd costs at most options.timeout. Watches: the same
// connection kept open, its chunked body split into newline-delimited messages.
#include "msgcenter/cluster/etcd_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>

namespace msgcenter::cluster {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

error transport_error(const char* step, const beast::error_code& ec,
                      std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout)
    return make_error(errc::unavailable, std::string("etcd: timed out after ") +
                                             std::to_string(timeout.count()) + " ms (" + step +
                                             ")");
  return make_error(errc::unavailable, std::string("etcd: ") + step + " failed: " + ec.message());
}

http::request<http::string_body> make_request(const etcd_options& o, std::string_view path,
                                              std::string_view body) {
  http::request<http::string_body> req{http::verb::post, std::string(path), 11};
  req.set(http::field::host, o.host + ":" + std::to_string(o.port));
  req.set(http::field::content_type, "application/json");
  req.body() = std::string(body);
  req.prepare_payload();
  return req;
}

result<tcp::endpoint> endpoint_of(const etcd_options& o) {
  beast::error_code ec;
  auto addr = net::ip::make_address(o.host, ec);
  if (ec) return make_error(errc::invalid_argument, "etcd: host must be an IP address: " + o.host);
  return tcp::endpoint(addr, o.port);
}

/// A non-2xx answer: the gateway's error body mapped, or the status.
error http_failure(unsigned status, const std::string& body, std::size_t limit) {
  auto mapped = parse_revoke_response(body, limit);  // any body: maps a gateway error object
  if (!mapped) return mapped.error();
  return make_error(errc::unavailable, "etcd: HTTP " + std::to_string(status));
}

}  // namespace

result<etcd_options> parse_etcd_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme)
    return make_error(errc::invalid_argument, "etcd URL must start with http://");
  std::string_view rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos)
    return make_error(errc::invalid_argument, "etcd URL needs a port");
  etcd_options o;
  o.host = std::string(rest.substr(0, colon));
  const std::string port(rest.substr(colon + 1));
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p <= 0 || p > 65535)
    return make_error(errc::invalid_argument, "etcd URL has a bad port");
  o.port = static_cast<std::uint16_t>(p);
  if (auto ep = endpoint_of(o); !ep) return ep.error();
  return o;
}

etcd_client::etcd_client(etcd_options options) : options_(std::move(options)) {}

result<std::string> etcd_client::post(std::string_view path, std::string_view body) const {
  auto ep = endpoint_of(options_);
  if (!ep) return ep.error();
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  auto req = make_request(options_, path, body);
  stream.expires_after(options_.timeout);  // one deadline for the whole exchange
  beast::error_code failure;
  const char* step = "connect";
  stream.async_connect(*ep, [&](beast::error_code ec) {
    if (ec) return void(failure = ec);
    step = "send";
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) return void(failure = ec);
      step = "read";
      http::async_read_header(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
        if (ec) return void(failure = ec);
        // Boost 1.74's parser does not apply body_limit to a Content-Length body (it does to
        // chunked ones), so that case is checked here, before any of the body is read.
        if (parser.content_length() && *parser.content_length() > options_.max_response_bytes)
          return void(failure = http::error::body_limit);
        http::async_read(stream, buffer, parser,
                         [&](beast::error_code ec, std::size_t) { failure = ec; });
      });
    });
  });
  ioc.run();
  if (failure == http::error::body_limit)
    return make_error(errc::unavailable, "etcd: response too large (limit " +
                                             std::to_string(options_.max_response_bytes) +
                                             " bytes)");
  if (failure) return transport_error(step, failure, options_.timeout);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  auto& res = parser.get();
  if (res.result_int() < 200 || res.result_int() >= 300)
    return http_failure(res.result_int(), res.body(), options_.max_response_bytes);
  return std::move(res.body());
}

result<range_result> etcd_client::get(std::string_view key) const {
  auto body = post("/v3/kv/range", range_body(key));
  if (!body) return body.error();
  return parse_range_response(*body, options_.max_response_bytes);
}

result<range_result> etcd_client::get_prefix(std::string_view prefix) const {
  auto body = post("/v3/kv/range", range_body(prefix, prefix_range_end(std::string(prefix))));
  if (!body) return body.error();
  return parse_range_response(*body, options_.max_response_bytes);
}

result<write_result> etcd_client::put(std::string_view key, std::string_view value,
                                      lease_id lease) const {
  auto body = post("/v3/kv/put", put_body(key, value, lease));
  if (!body) return body.error();
  return parse_write_response(*body, options_.max_response_bytes);
}

result<write_result> etcd_client::erase(std::string_view key) const {
  auto body = post("/v3/kv/deleterange", delete_body(key));
  if (!body) return body.error();
  return parse_write_response(*body, options_.max_response_bytes);
}

result<write_result> etcd_client::erase_prefix(std::string_view prefix) const {
  auto body =
      post("/v3/kv/deleterange", delete_body(prefix, prefix_range_end(std::string(prefix))));
  if (!body) return body.error();
  return parse_write_response(*body, options_.max_response_bytes);
}

result<txn_result> etcd_client::txn(const txn_request& request) const {
  auto body = post("/v3/kv/txn", txn_body(request));
  if (!body) return body.error();
  return parse_txn_response(*body, options_.max_response_bytes);
}

result<lease_grant> etcd_client::grant(std::chrono::seconds ttl) const {
  auto body = post("/v3/lease/grant", lease_grant_body(ttl));
  if (!body) return body.error();
  return parse_lease_grant_response(*body, options_.max_response_bytes);
}

result<std::chrono::seconds> etcd_client::keepalive(lease_id id) const {
  // The gateway ends the stream after one answer because the request body ends.
  auto body = post("/v3/lease/keepalive", lease_id_body(id));
  if (!body) return body.error();
  auto ttl = parse_keepalive_response(*body, options_.max_response_bytes);
  if (ttl && ttl->count() <= 0)
    return make_error(errc::not_found, "etcd: lease " + std::to_string(id) + " has expired");
  return ttl;
}

status etcd_client::revoke(lease_id id) const {
  auto body = post("/v3/lease/revoke", lease_id_body(id));
  if (!body) return body.error();
  return parse_revoke_response(*body, options_.max_response_bytes);
}

// ---- watch ----

struct watch_stream::impl {
  etcd_options options;
  std::string body;
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  std::mutex mutex;
  bool canceled = false;  ///< guarded by mutex
};

watch_stream::watch_stream(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
watch_stream::~watch_stream() = default;

void watch_stream::cancel() {
  std::lock_guard<std::mutex> g(impl_->mutex);
  if (impl_->canceled) return;
  impl_->canceled = true;
  net::post(impl_->ioc, [p = impl_.get()] {
    beast::error_code ignored;
    p->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    p->stream.cancel();
  });
}

status watch_stream::run(const message_fn& on_message) {
  auto& p = *impl_;
  {
    std::lock_guard<std::mutex> g(p.mutex);
    if (p.canceled) return unit{};
  }
  auto ep = endpoint_of(p.options);
  if (!ep) return ep.error();
  auto req = make_request(p.options, "/v3/watch", p.body);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // a stream: bounded per message
  std::string line;
  std::optional<error> refused;
  const std::size_t limit = p.options.max_response_bytes;
  auto on_body = [&](std::uint64_t, std::string_view data, beast::error_code& ec) -> std::size_t {
    for (char c : data) {
      if (c != '\n') {
        line.push_back(c);
        if (line.size() > limit) {
          refused = make_error(errc::unavailable, "etcd: watch message too large (limit " +
                                                      std::to_string(limit) + " bytes)");
          ec = http::error::body_limit;
          return 0;
        }
        continue;
      }
      auto msg = parse_watch_message(line, limit);
      line.clear();
      if (!msg) {
        refused = msg.error();
        ec = http::error::bad_chunk;
        return 0;
      }
      if (msg->canceled) {
        refused =
            make_error(errc::unavailable,
                       "etcd: watch canceled by the server" +
                           (msg->compact_revision > 0
                                ? " (compacted at " + std::to_string(msg->compact_revision) + ")"
                                : std::string()) +
                           (msg->cancel_reason.empty() ? "" : ": " + msg->cancel_reason));
        ec = http::error::end_of_stream;
        return 0;
      }
      on_message(std::move(*msg));
    }
    return data.size();
  };
  parser.on_chunk_body(on_body);  // by reference: on_body outlives the parser's reads

  beast::error_code failure;
  const char* step = "connect";
  std::function<void()> read_more = [&] {
    http::async_read_some(p.stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
      if (ec) return void(failure = ec);
      if (parser.is_done()) return void(failure = http::error::end_of_stream);
      read_more();
    });
  };
  p.stream.expires_after(p.options.timeout);
  p.stream.async_connect(*ep, [&](beast::error_code ec) {
    if (ec) return void(failure = ec);
    step = "send";
    http::async_write(p.stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) return void(failure = ec);
      step = "read";
      http::async_read_header(p.stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
        if (ec) return void(failure = ec);
        if (parser.get().result_int() != 200 || !parser.chunked()) {
          failure = http::error::bad_status;
          return;
        }
        step = "stream";
        p.stream.expires_never();  // events may be minutes apart; cancel() ends it
        read_more();
      });
    });
  });
  p.ioc.run();
  {
    std::lock_guard<std::mutex> g(p.mutex);
    if (p.canceled) return unit{};
  }
  if (refused) return *refused;
  if (failure == http::error::bad_status)
    return make_error(errc::unavailable,
                      "etcd: watch answered HTTP " + std::to_string(parser.get().result_int()));
  return transport_error(step, failure, p.options.timeout);
}

std::unique_ptr<watch_stream> etcd_client::watch(std::string key, std::string range_end,
                                                 revision start_revision) const {
  auto p = std::make_unique<watch_stream::impl>();
  p->options = options_;
  p->body = watch_create_body(key, range_end, start_revision);
  return std::unique_ptr<watch_stream>(new watch_stream(std::move(p)));
}

}  // namespace msgcenter::cluster
