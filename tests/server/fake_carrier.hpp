// A tiny fake of Twilio's Messages REST API on 127.0.0.1 for gateway tests: records every
// request and answers with a configurable status and body ("{sid}" in the body becomes
// SMfake1, SMfake2, ...).
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "msgcenter/server/form.hpp"

namespace msgcenter::server::testing {

class fake_carrier {
 public:
  struct request {
    std::string method, target, authorization, content_type, body;
    form_fields form;
  };

  fake_carrier() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { loop(); });
  }
  ~fake_carrier() { stop(); }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  /// Answers from now on: `status` with `body`, after `delay`.
  void respond_with(unsigned status, std::string body,
                    std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
    std::lock_guard<std::mutex> g(mutex_);
    status_ = status;
    body_ = std::move(body);
    delay_ = delay;
  }

  std::vector<request> requests() const {
    std::lock_guard<std::mutex> g(mutex_);
    return requests_;
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    if (thread_.joinable()) thread_.join();
    for (auto& t : handlers_) t.join();
  }

 private:
  void loop() {
    while (!stopping_) {
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec || stopping_) break;
      handlers_.emplace_back([this, socket] { handle(*socket); });
    }
  }

  void handle(boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buf;
    http::request<http::string_body> req;
    boost::beast::error_code ec;
    http::read(socket, buf, req, ec);
    if (ec) return;
    request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.authorization = std::string(req[http::field::authorization]);
    r.content_type = std::string(req[http::field::content_type]);
    r.body = req.body();
    if (auto f = parse_form(r.body)) r.form = f.value();
    unsigned status;
    std::string body;
    std::chrono::milliseconds delay;
    {
      std::lock_guard<std::mutex> g(mutex_);
      requests_.push_back(r);
      status = status_;
      body = body_;
      delay = delay_;
      auto at = body.find("{sid}");
      if (at != std::string::npos) body.replace(at, 5, "SMfake" + std::to_string(++sids_));
    }
    std::this_thread::sleep_for(delay);
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = body;
    res.keep_alive(false);
    res.prepare_payload();
    http::write(socket, res, ec);
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::vector<std::thread> handlers_;  ///< joined at stop (only the accept thread appends)
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<request> requests_;
  unsigned status_ = 201;
  std::string body_ = R"({"sid":"{sid}","status":"queued"})";
  std::chrono::milliseconds delay_{0};
  int sids_ = 0;
};

}  // namespace msgcenter::server::testing
