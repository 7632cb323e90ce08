#include "msgcenter/server/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <utility>

#include "crypto.hpp"
#include "msgcenter/server/form.hpp"
#include "msgcenter/server/http_status.hpp"
#include "static_site.hpp"

namespace msgcenter::server {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

/// realpath(3), or empty.
std::string resolved(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return {};
  return buf;
}

api_reply not_found() {
  api_reply r = json_reply(error_body("not_found", "no such file"), 404);
  add_web_security_headers(r);
  return r;
}

}  // namespace

std::optional<std::string> web_relative_path(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') return std::nullopt;
  auto decoded = percent_decode(url_path, false);
  if (!decoded) return std::nullopt;
  const std::string& p = *decoded;
  if (p.find('\0') != std::string::npos || p.find('\\') != std::string::npos) return std::nullopt;
  if (p == "/") return std::string("index.html");
  std::string out;
  std::size_t i = 1;
  for (;;) {
    auto slash = p.find('/', i);
    std::string_view seg(p.data() + i, (slash == std::string::npos ? p.size() : slash) - i);
    if (seg.empty() || seg.front() == '.' || seg == "node_modules") return std::nullopt;
    if (!out.empty()) out.push_back('/');
    out.append(seg);
    if (slash == std::string::npos) break;
    i = slash + 1;
  }
  return out;
}

std::optional<std::string> web_content_type(std::string_view file_name) {
  static const std::pair<const char*, const char*> types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto slash = file_name.rfind('/');
  auto base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  auto dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto ext = base.substr(dot);
  for (const auto& [e, type] : types)
    if (ext == e) return std::string(type);
  return std::nullopt;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::size_t i = 0;
  while (i <= if_none_match.size()) {
    auto comma = if_none_match.find(',', i);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    std::string item = trim(if_none_match.substr(i, comma - i));
    if (starts_with(item, "W/")) item.erase(0, 2);  // weak comparison (RFC 9110 13.1.2)
    if (item == "*" || (!item.empty() && item == etag)) return true;
    i = comma + 1;
  }
  return false;
}

bool is_api_path(std::string_view p) {
  return p == "/v1" || starts_with(p, "/v1/") || p == "/webhooks" || starts_with(p, "/webhooks/") ||
         p == "/healthz" || p == "/metrics";
}

void add_web_security_headers(api_reply& r) {
  r.headers.emplace_back("Content-Security-Policy", kWebContentSecurityPolicy);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
}

static_site::static_site(const std::string& root, std::size_t max_file_bytes)
    : root_(resolved(root)), max_file_bytes_(max_file_bytes) {}

api_reply static_site::serve(std::string_view path, std::string_view if_none_match) const {
  if (root_.empty()) return not_found();
  auto rel = web_relative_path(path);
  if (!rel) return not_found();
  auto type = web_content_type(*rel);
  if (!type) return not_found();
  // Symbolic links are followed, but what they lead to must still be below the root.
  std::string real = resolved(root_ + "/" + *rel);
  if (real.empty() || !starts_with(real, root_ + "/")) return not_found();
  // O_NONBLOCK: a FIFO must not hang a worker in open(); it is then refused as not regular.
  int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return not_found();
  struct stat st {};
  std::string body;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<std::size_t>(st.st_size) <= max_file_bytes_;
  if (ok) {
    body.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (ok && got < body.size()) {
      ssize_t n = ::read(fd, body.data() + got, body.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        ok = false;  // shrank under us, or an I/O error
      else
        got += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  if (!ok) return not_found();
  api_reply r;
  const std::string etag = "\"" + crypto::sha256_hex(body).substr(0, 32) + "\"";
  if (etag_matches(if_none_match, etag)) {
    r.status = 304;
  } else {
    r.body = std::move(body);
  }
  r.content_type = std::move(*type);
  // The files keep their names across releases: revalidate every time (cheap with the ETag).
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("ETag", etag);
  add_web_security_headers(r);
  return r;
}

}  // namespace msgcenter::server
