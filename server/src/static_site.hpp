// Serving the staff web page's files from a directory (private to the server library).
// The path rules are in msgcenter/server/static_files.hpp; this adds the file system side.
#pragma once

#include <cstddef>
#include <string>

#include "api.hpp"

namespace msgcenter::server {

class static_site {
 public:
  /// `root` is resolved once (symbolic links included); every file served must lie below
  /// the resolved root. A root that does not exist serves nothing (every file answers 404).
  static_site(const std::string& root, std::size_t max_file_bytes);

  /// The answer to a GET or HEAD of `path` (no query): 200 with the file, 304 when
  /// `if_none_match` names its ETag, 404 for everything refused or missing (a traversal
  /// attempt looks like any missing file). Blocking file I/O: run it off the network threads.
  [[nodiscard]] api_reply serve(std::string_view path, std::string_view if_none_match) const;

  [[nodiscard]] const std::string& root() const noexcept { return root_; }

 private:
  std::string root_;  ///< resolved; empty when the directory does not exist
  std::size_t max_file_bytes_;
};

/// The security headers of every static answer (CSP, nosniff, referrer, framing).
void add_web_security_headers(api_reply& r);

}  // namespace msgcenter::server
