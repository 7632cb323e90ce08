// A real msgcenter HTTP server on 127.0.0.1 (ephemeral port) over an in-memory engine, with
// two businesses set up through the admin routes, and small blocking HTTP / SSE clients.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "msgcenter/message_center.hpp"
#include "msgcenter/server/form.hpp"
#include "msgcenter/server/http_server.hpp"
#include "msgcenter/server/metrics.hpp"
#include "msgcenter/server/token_store.hpp"
#include "msgcenter/server/twilio_signature.hpp"

namespace msgcenter::server::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;

struct http_reply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  ///< lower-case names
  json j() const {
    auto v = json::parse(body, nullptr, false);
    return v;
  }
  std::string code() const {
    auto v = j();
    if (v.is_object() && v.contains("error") && v["error"].is_object())
      return v["error"].value("code", "");
    return {};
  }
};

/// A connection to the server on 127.0.0.1:port from `source` (any local address when
/// empty; another 127.x.y.z is another client to the server). Throws when it fails.
inline void connect_from(tcp::socket& socket, std::uint16_t port, const std::string& source) {
  if (!source.empty()) {
    socket.open(tcp::v4());
    socket.bind({net::ip::make_address(source), 0});
  }
  socket.connect({net::ip::make_address("127.0.0.1"), port});
}

/// A response's headers by lower-case name.
inline std::map<std::string, std::string> lower_case_headers(
    const http::response<http::string_body>& res) {
  std::map<std::string, std::string> out;
  for (auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[name] = std::string(f.value());
  }
  return out;
}

/// One request on a fresh connection. status 0 when the connection failed. `source`: the
/// local address to connect from (another 127.x.y.z is another client to the server).
inline http_reply http_call(std::uint16_t port, const std::string& method,
                            const std::string& target, const std::string& body = {},
                            std::map<std::string, std::string> headers = {},
                            const std::string& source = {}) {
  http_reply out;
  try {
    net::io_context ioc;
    tcp::socket socket(ioc);
    connect_from(socket, port, source);
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    bool has_type = false;
    for (auto& [k, v] : headers) {
      req.set(k, v);
      if (beast::iequals(k, "content-type")) has_type = true;
    }
    if (!body.empty() && !has_type) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (method == "HEAD") parser.skip(true);  // the headers say how long a GET's body would be
    http::read(socket, buf, parser);
    auto& res = parser.get();
    out.status = res.result_int();
    out.body = res.body();
    out.headers = lower_case_headers(res);
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception&) {
    out.status = 0;
  }
  return out;
}

/// A blocking Server-Sent Events client with read timeouts.
class sse_client {
 public:
  struct event {
    std::uint64_t id = 0;
    std::string kind;
    json data;
  };

  sse_client(std::uint16_t port, const std::string& token, const std::string& last_event_id = {},
             const std::string& target = "/v1/events")
      : socket_(ioc_) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    timeval tv{0, 200 * 1000};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
    req += "\r\n";
    net::write(socket_, net::buffer(req));
  }

  /// Reads until `pred(text so far)` holds or the time is up. False on timeout or EOF.
  template <class Pred>
  bool read_until(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred(text_)) {
      if (std::chrono::steady_clock::now() > deadline || eof_) return false;
      char buf[8192];
      ssize_t n = ::recv(socket_.native_handle(), buf, sizeof buf, 0);
      if (n == 0) {
        eof_ = true;
        return pred(text_);
      }
      if (n < 0) continue;  // timeout slice
      text_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  bool subscribed(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return read_until(
        [](const std::string& t) { return t.find(": subscribed") != std::string::npos; }, limit);
  }

  /// Waits until at least `n` events arrived; returns them all.
  std::vector<event> wait_events(std::size_t n,
                                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    read_until([&](const std::string&) { return events().size() >= n; }, limit);
    return events();
  }

  /// True once the server closed the stream (reads until EOF or the time is up).
  bool closed_by_server(std::chrono::milliseconds limit) {
    read_until([](const std::string&) { return false; }, limit);
    return eof_;
  }

  std::vector<event> events() const {
    std::vector<event> out;
    auto body_at = text_.find("\r\n\r\n");
    if (body_at == std::string::npos) return out;
    std::size_t pos = body_at + 4;
    for (;;) {
      auto end = text_.find("\n\n", pos);
      if (end == std::string::npos) break;
      std::string block = text_.substr(pos, end - pos);
      pos = end + 2;
      event ev;
      bool any = false;
      std::size_t line_start = 0;
      while (line_start <= block.size()) {
        auto nl = block.find('\n', line_start);
        if (nl == std::string::npos) nl = block.size();
        std::string line = block.substr(line_start, nl - line_start);
        line_start = nl + 1;
        if (line.rfind("id: ", 0) == 0)
          ev.id = std::stoull(line.substr(4)), any = true;
        else if (line.rfind("event: ", 0) == 0)
          ev.kind = line.substr(7), any = true;  // presence events carry no id (0 here)
        else if (line.rfind("data: ", 0) == 0)
          ev.data = json::parse(line.substr(6), nullptr, false);
        if (nl == block.size()) break;
      }
      if (any) out.push_back(std::move(ev));
    }
    return out;
  }

  const std::string& text() const { return text_; }
  unsigned status() const {
    if (text_.size() < 12) return 0;
    return static_cast<unsigned>(std::atoi(text_.substr(9, 3).c_str()));
  }
  void close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  std::string text_;
  bool eof_ = false;
};

inline std::string bearer(const std::string& token) { return "Bearer " + token; }

/// Two businesses: `spa` (numbers +12025550100 downtown, +12025550101 uptown; staff ana with
/// every right, ben view+send, leo uptown-only) and `gym` (+12025550200; staff gus with every
/// right), each with its own Twilio auth token.
class ServerTest : public ::testing::Test {
 protected:
  static constexpr const char* kAdminKey = "test-admin-key";
  static constexpr const char* kSpaNumber = "+12025550100";
  static constexpr const char* kSpaUptown = "+12025550101";
  static constexpr const char* kGymNumber = "+12025550200";
  static constexpr const char* kSpaToken = "tok-spa";
  static constexpr const char* kGymToken = "tok-gym";
  static constexpr const char* kClient = "+12025550142";

  /// Override to change the server's options before it starts.
  virtual void configure(server_options&) {}
  /// Override to give the engine another gateway.
  virtual std::shared_ptr<gateway> make_gateway() { return std::make_shared<local_gateway>(); }
  /// Override to change the engine's options (a data directory, a commit hook).
  virtual void configure_engine(options&) {}

  void SetUp() override {
    options eo;
    eo.threads = 2;
    eo.outbound = make_gateway();
    configure_engine(eo);
    auto opened = message_center::open(eo);
    ASSERT_TRUE(opened.ok());
    mc = std::move(opened.value());
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.admin_key = kAdminKey;
    opts.io_threads = 2;
    opts.limits.workers = 4;
    configure(opts);
    server = std::make_unique<http_server>(opts, *mc, tokens, metrics);
    ASSERT_TRUE(server->start().ok());
    port = server->port();
    setup_businesses();
  }

  void TearDown() override {
    if (server) server->stop();
    server.reset();
    if (mc) mc->close();
    mc.reset();
    if (!data_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir, ec);
    }
  }

  /// For configure_engine: a durable engine in a fresh directory, removed at TearDown.
  void use_data_dir(options& o) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "msgcenter-server-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    data_dir = tmpl;
    o.data_dir = data_dir;
  }
  std::string data_dir;  ///< set by use_data_dir

  http_reply call(const std::string& method, const std::string& target,
                  const std::string& body = {}, const std::string& token = {},
                  std::map<std::string, std::string> headers = {}) {
    if (!token.empty()) headers["Authorization"] = bearer(token);
    return http_call(port, method, target, body, headers);
  }
  http_reply admin(const std::string& method, const std::string& target,
                   const json& body = json()) {
    return call(method, target, body.is_null() ? std::string() : body.dump(), kAdminKey);
  }

  std::string put_staff(const std::string& business, const std::string& staff, json rights,
                        json locations = json::array(), bool subscribe_all = false) {
    auto r = admin("PUT", "/v1/admin/businesses/" + business + "/staff/" + staff,
                   {{"name", staff},
                    {"rights", rights},
                    {"locations", locations},
                    {"subscribe_all", subscribe_all}});
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.j().value("token", "");
  }

  void setup_businesses() {
    auto all = json::array(
        {"view_messages", "manage_messages", "send_sms", "remove_feed", "export", "admin"});
    ASSERT_EQ(
        admin("PUT", "/v1/admin/businesses/spa",
              {{"name", "Lotus Spa"},
               {"region", "US"},
               {"settings", {{"twilio_account_sid", "ACspa"}, {"twilio_auth_token", kSpaToken}}}})
            .status,
        200u);
    ASSERT_EQ(admin("POST", "/v1/admin/businesses/spa/numbers",
                    {{"number", kSpaNumber}, {"location", "downtown"}})
                  .status,
              200u);
    ASSERT_EQ(admin("POST", "/v1/admin/businesses/spa/numbers",
                    {{"number", kSpaUptown}, {"location", "uptown"}})
                  .status,
              200u);
    ana = put_staff("spa", "ana", all);
    ben = put_staff("spa", "ben", json::array({"view_messages", "send_sms"}));
    leo = put_staff("spa", "leo", json::array({"view_messages", "send_sms"}),
                    json::array({"uptown"}));
    ASSERT_EQ(
        admin("PUT", "/v1/admin/businesses/gym",
              {{"name", "Iron Gym"},
               {"settings", {{"twilio_account_sid", "ACgym"}, {"twilio_auth_token", kGymToken}}}})
            .status,
        200u);
    ASSERT_EQ(admin("POST", "/v1/admin/businesses/gym/numbers",
                    {{"number", kGymNumber}, {"location", "main"}})
                  .status,
              200u);
    gus = put_staff("gym", "gus", all);
    ASSERT_FALSE(ana.empty());
    ASSERT_FALSE(gus.empty());
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  /// Posts a Twilio-signed form to a webhook path.
  http_reply webhook(const std::string& path, const form_fields& fields,
                     const std::string& auth_token, const std::string& signed_url = {}) {
    auto sig = twilio_signature(signed_url.empty() ? url(path) : signed_url, fields, auth_token);
    return http_call(
        port, "POST", path, encode_form(fields),
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig}});
  }

  /// A signed inbound SMS to `to` (spa's main number by default).
  http_reply inbound(const std::string& body, const std::string& sid,
                     const std::string& from = kClient, const std::string& to = kSpaNumber,
                     const std::string& token = kSpaToken) {
    return webhook("/webhooks/twilio/sms",
                   {{"MessageSid", sid},
                    {"AccountSid", token == std::string(kSpaToken) ? "ACspa" : "ACgym"},
                    {"From", from},
                    {"To", to},
                    {"Body", body},
                    {"NumMedia", "0"}},
                   token);
  }

  server_options opts;
  std::unique_ptr<message_center> mc;
  token_store tokens;
  server_metrics metrics;
  std::unique_ptr<http_server> server;
  std::uint16_t port = 0;
  std::string ana, ben, leo, gus;
};

}  // namespace msgcenter::server::testing
