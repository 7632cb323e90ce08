#include "msgcenter/server/metrics.hpp"

#include <cstdio>
#include <sstream>

namespace msgcenter::server {
namespace {

std::string label_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void counter(std::ostream& out, const char* name, const char* help, std::uint64_t v) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
      << name << " " << v << "\n";
}

void counter_seconds(std::ostream& out, const char* name, const char* help, std::uint64_t nanos) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
      << name << " " << number(static_cast<double>(nanos) / 1e9) << "\n";
}

void gauge(std::ostream& out, const char* name, const char* help, double v) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n"
      << name << " " << number(v) << "\n";
}

}  // namespace

void server_metrics::count_request(const std::string& route, unsigned status) {
  std::lock_guard<std::mutex> guard(mutex_);
  ++requests_[{route, status}];
}

void server_metrics::observe_ack_latency(double seconds) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (seconds <= kLatencyBuckets[i]) ++ack_buckets_[i];
  ++ack_count_;
  ack_sum_ += seconds;
}

void server_metrics::set_extra(std::function<std::string()> extra) {
  std::lock_guard<std::mutex> guard(mutex_);
  extra_ = std::move(extra);
}

std::string server_metrics::render() const {
  std::ostringstream out;
  std::function<std::string()> extra;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    out << "# HELP msgcenter_http_requests_total HTTP requests answered, by route pattern and "
           "status.\n"
        << "# TYPE msgcenter_http_requests_total counter\n";
    for (const auto& [key, n] : requests_)
      out << "msgcenter_http_requests_total{route=\"" << label_escape(key.first) << "\",status=\""
          << key.second << "\"} " << n << "\n";
    out << "# HELP msgcenter_inbound_ack_seconds Time from an inbound webhook's arrival to the "
           "engine's acknowledgement.\n"
        << "# TYPE msgcenter_inbound_ack_seconds histogram\n";
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
      out << "msgcenter_inbound_ack_seconds_bucket{le=\"" << number(kLatencyBuckets[i]) << "\"} "
          << ack_buckets_[i] << "\n";
    out << "msgcenter_inbound_ack_seconds_bucket{le=\"+Inf\"} " << ack_count_ << "\n"
        << "msgcenter_inbound_ack_seconds_sum " << number(ack_sum_) << "\n"
        << "msgcenter_inbound_ack_seconds_count " << ack_count_ << "\n";
    extra = extra_;
  }
  counter(out, "msgcenter_inbound_messages_total",
          "Inbound messages accepted from webhooks (ingest).", inbound_messages.load());
  counter(out, "msgcenter_inbound_duplicates_total",
          "Inbound webhooks answered as duplicates (same MessageSid).", inbound_duplicates.load());
  counter(out, "msgcenter_status_callbacks_total", "Delivery status callbacks applied.",
          status_callbacks.load());
  counter(out, "msgcenter_webhook_signature_failures_total",
          "Webhooks refused for a bad or missing signature.", signature_failures.load());
  counter(out, "msgcenter_sse_slow_disconnects_total",
          "Event streams closed because the subscriber fell behind.", sse_slow_disconnects.load());
  counter(out, "msgcenter_rate_limited_total", "Requests refused by the per-credential rate limit.",
          rate_limited.load());
  gauge(out, "msgcenter_sse_subscribers", "Live event streams (GET /v1/events).",
        sse_subscribers.load());
  gauge(out, "msgcenter_http_connections", "Open HTTP connections.", connections.load());
  if (extra) out << extra();
  return out.str();
}

std::string render_engine_metrics(const engine_stats& s) {
  std::ostringstream out;
  gauge(out, "msgcenter_engine_calls_in_flight", "Engine operations accepted and not yet answered.",
        static_cast<double>(s.calls_in_flight));
  if (!s.durable) return out.str();
  counter(out, "msgcenter_journal_commits_total", "Journal group commits (one fsync each).",
          s.journal_commits);
  counter(out, "msgcenter_journal_records_total", "Journal records made durable.",
          s.journal_records);
  counter_seconds(out, "msgcenter_journal_commit_seconds_total",
                  "Time spent writing and committing groups.", s.journal_commit_nanos_total);
  gauge(out, "msgcenter_journal_commit_seconds_max", "The slowest group commit since start.",
        static_cast<double>(s.journal_commit_nanos_max) / 1e9);
  gauge(out, "msgcenter_journal_queued_records", "Records waiting for the journal writer.",
        static_cast<double>(s.journal_queued_records));
  counter(out, "msgcenter_checkpoints_total", "Background checkpoints written.", s.checkpoints);
  counter(out, "msgcenter_checkpoint_failures_total", "Background checkpoints that failed.",
          s.checkpoint_failures);
  return out.str();
}

}  // namespace msgcenter::server
