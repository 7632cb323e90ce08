// The staff web page's static files (web/, docs/web.md): which URL paths map to which file,
// with which Content-Type, and the security headers every page answer carries.
//
// The rules are strict on purpose: a path is percent-decoded once and then refused if any
// segment is empty, `.`, `..`, starts with a dot (dotfiles, `.git`) or is `node_modules`,
// or if it holds a NUL or a backslash; only a short list of extensions is served (no
// `.json`, `.map`, `.mjs`: web/package.json, the lock file and the test scripts beside the
// page are never served). The serving side (http_server) also resolves symbolic links and
// refuses any file that is not a regular file below the real web root.
//
// Every function here is pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace msgcenter::server {

/// The Content-Security-Policy of every static answer: nothing but this origin, no inline
/// script or style, no plugins, no framing, no <base> rewriting.
inline constexpr const char* kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

/// The file a URL path names, relative to the web root (`/` is `index.html`), or nullopt
/// when the path is refused (see above) or malformed (a bad `%` escape).
[[nodiscard]] std::optional<std::string> web_relative_path(std::string_view url_path);

/// The Content-Type of a served file by its extension, or nullopt for a file that is not
/// served (an extension not on the list).
[[nodiscard]] std::optional<std::string> web_content_type(std::string_view file_name);

/// True when an If-None-Match header value names `etag` (or is `*`).
[[nodiscard]] bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// True for the paths the API owns (`/v1/...`, `/webhooks/...`, `/healthz`, `/metrics`):
/// they keep their JSON answers, including 404 and 405, and are never static files.
[[nodiscard]] bool is_api_path(std::string_view url_path);

}  // namespace msgcenter::server
