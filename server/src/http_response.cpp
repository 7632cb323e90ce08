#include "http_response.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>

namespace msgcenter::server {

std::string render_response(const api_reply& reply, bool keep_alive, bool head) {
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(reply.status));
  std::string out;
  out.reserve(160 + reply.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(reply.status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += "\r\nServer: msgcenter\r\nContent-Type: ";
  out += reply.content_type;
  out += "\r\n";
  // The reply's own Cache-Control (static files revalidate) replaces the default.
  bool own_cache_control = false;
  for (const auto& [name, value] : reply.headers)
    own_cache_control = own_cache_control || boost::beast::iequals(name, "Cache-Control");
  if (!own_cache_control) out += "Cache-Control: no-store\r\n";
  for (const auto& [name, value] : reply.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  // 1xx, 204 and 304 have no body and no Content-Length (RFC 9110 8.6).
  const bool bodiless = reply.status < 200 || reply.status == 204 || reply.status == 304;
  if (!bodiless) {
    out += "Content-Length: ";
    out += std::to_string(reply.body.size());
    out += "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head && !bodiless) out += reply.body;
  return out;
}

const std::string& twiml_ok_bytes(bool keep_alive) {
  static const std::string kept = [] {
    api_reply r;
    r.content_type = "text/xml";
    r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
    return render_response(r, true, false);
  }();
  static const std::string closing = [] {
    api_reply r;
    r.content_type = "text/xml";
    r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
    return render_response(r, false, false);
  }();
  return keep_alive ? kept : closing;
}

}  // namespace msgcenter::server
