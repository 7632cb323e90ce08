#include "msgcenter/server/server_options.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "msgcenter/protocol.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

struct config_error {
  std::string text;
};

void check_keys(const json& j, const std::set<std::string>& known, const std::string& where) {
  for (auto& [k, v] : j.items())
    if (!known.count(k)) throw config_error{"unknown key `" + where + k + "`"};
}

std::string str(const json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_string()) throw config_error{std::string("`") + key + "` must be a string"};
  return v.get<std::string>();
}

double num(const json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_number()) throw config_error{std::string("`") + key + "` must be a number"};
  return v.get<double>();
}

std::uint64_t count(const json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_number_unsigned())
    throw config_error{std::string("`") + key + "` must be a non-negative integer"};
  return v.get<std::uint64_t>();
}

}  // namespace

result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size())
    return make_error(errc::invalid_argument, "--listen wants HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return make_error(errc::invalid_argument, "the port must be a number");
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535) return make_error(errc::invalid_argument, "the port must be at most 65535");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

status check_admin_key(const std::string& key, const std::string& what) {
  if (key.empty() || key.size() >= kMinAdminKeyLength) return unit{};
  return make_error(errc::invalid_argument,
                    what + " must be at least " + std::to_string(kMinAdminKeyLength) +
                        " characters (it controls every business): e.g. `openssl rand -hex 16`");
}

result<serve_config> load_serve_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(errc::unavailable, "cannot read config file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_json_limited(text.str());
  if (!parsed) return make_error(errc::invalid_argument, path + ": " + parsed.error().message);
  const json& j = parsed.value();
  serve_config cfg;
  try {
    if (!j.is_object()) throw config_error{"the config is a JSON object"};
    check_keys(j,
               {"listen", "admin_key", "metrics_key", "public_url", "data", "outbound",
                "twilio_api_url", "io_threads", "web", "limits"},
               "");
    if (j.contains("listen")) {
      auto l = parse_listen(str(j, "listen"));
      if (!l) throw config_error{l.error().message};
      cfg.server.host = l->first;
      cfg.server.port = l->second;
    }
    if (j.contains("admin_key")) cfg.server.admin_key = str(j, "admin_key");
    if (j.contains("metrics_key")) cfg.server.metrics_key = str(j, "metrics_key");
    if (j.contains("public_url")) cfg.server.public_url = str(j, "public_url");
    if (j.contains("data")) cfg.data_dir = str(j, "data");
    if (j.contains("outbound")) cfg.outbound = str(j, "outbound");
    if (cfg.outbound != "local" && cfg.outbound != "twilio")
      throw config_error{"`outbound` is `local` or `twilio`"};
    if (j.contains("twilio_api_url")) cfg.twilio_api_url = str(j, "twilio_api_url");
    if (j.contains("web")) cfg.server.web_root = str(j, "web");
    if (j.contains("io_threads"))
      cfg.server.io_threads =
          static_cast<unsigned>(std::max<std::uint64_t>(1, count(j, "io_threads")));
    if (j.contains("limits")) {
      const json& l = j.at("limits");
      if (!l.is_object()) throw config_error{"`limits` must be an object"};
      check_keys(l,
                 {"max_body_bytes",
                  "max_header_bytes",
                  "header_timeout_ms",
                  "body_timeout_ms",
                  "write_timeout_ms",
                  "rate_per_second",
                  "rate_burst",
                  "max_connections",
                  "workers",
                  "max_queued_requests",
                  "webhook_batches_in_flight",
                  "webhook_batch_max",
                  "max_waiting_webhooks",
                  "max_pipelined_requests",
                  "sse_queue_events",
                  "sse_heartbeat_ms",
                  "sse_send_buffer_bytes",
                  "shutdown_grace_ms",
                  "max_static_file_bytes",
                  "auth_failures_per_second",
                  "auth_failure_burst",
                  "max_streams_per_token",
                  "max_streams_per_staff",
                  "workers_per_business"},
                 "limits.");
      auto& lim = cfg.server.limits;
      using ms = std::chrono::milliseconds;
      if (l.contains("max_body_bytes")) lim.max_body_bytes = count(l, "max_body_bytes");
      if (l.contains("max_header_bytes")) lim.max_header_bytes = count(l, "max_header_bytes");
      if (l.contains("header_timeout_ms")) lim.header_timeout = ms(count(l, "header_timeout_ms"));
      if (l.contains("body_timeout_ms")) lim.body_timeout = ms(count(l, "body_timeout_ms"));
      if (l.contains("write_timeout_ms")) lim.write_timeout = ms(count(l, "write_timeout_ms"));
      if (l.contains("rate_per_second")) lim.rate_per_second = num(l, "rate_per_second");
      if (l.contains("rate_burst")) lim.rate_burst = num(l, "rate_burst");
      if (l.contains("max_connections")) lim.max_connections = count(l, "max_connections");
      if (l.contains("workers"))
        lim.workers = static_cast<unsigned>(std::max<std::uint64_t>(1, count(l, "workers")));
      if (l.contains("webhook_batches_in_flight"))
        lim.webhook_batches_in_flight =
            std::max<std::uint64_t>(1, count(l, "webhook_batches_in_flight"));
      if (l.contains("webhook_batch_max"))
        lim.webhook_batch_max = std::max<std::uint64_t>(1, count(l, "webhook_batch_max"));
      if (l.contains("max_waiting_webhooks"))
        lim.max_waiting_webhooks = count(l, "max_waiting_webhooks");
      if (l.contains("max_pipelined_requests"))
        lim.max_pipelined_requests = std::max<std::uint64_t>(1, count(l, "max_pipelined_requests"));
      if (l.contains("max_queued_requests"))
        lim.max_queued_requests = count(l, "max_queued_requests");
      if (l.contains("sse_queue_events")) lim.sse_queue_events = count(l, "sse_queue_events");
      if (l.contains("sse_heartbeat_ms")) lim.sse_heartbeat = ms(count(l, "sse_heartbeat_ms"));
      if (l.contains("sse_send_buffer_bytes"))
        lim.sse_send_buffer_bytes = count(l, "sse_send_buffer_bytes");
      if (l.contains("shutdown_grace_ms")) lim.shutdown_grace = ms(count(l, "shutdown_grace_ms"));
      if (l.contains("max_static_file_bytes"))
        lim.max_static_file_bytes = count(l, "max_static_file_bytes");
      if (l.contains("auth_failures_per_second"))
        lim.auth_failures_per_second = num(l, "auth_failures_per_second");
      if (l.contains("auth_failure_burst")) lim.auth_failure_burst = num(l, "auth_failure_burst");
      if (l.contains("max_streams_per_token"))
        lim.max_streams_per_token = count(l, "max_streams_per_token");
      if (l.contains("max_streams_per_staff"))
        lim.max_streams_per_staff = count(l, "max_streams_per_staff");
      if (l.contains("workers_per_business"))
        lim.workers_per_business =
            static_cast<unsigned>(std::max<std::uint64_t>(1, count(l, "workers_per_business")));
    }
  } catch (const config_error& e) {
    return make_error(errc::invalid_argument, path + ": " + e.text);
  }
  return cfg;
}

}  // namespace msgcenter::server
