// Staff bearer tokens: issued per staff member, stored only as SHA-256 hashes, revocable.
//
// A token is "mcs_" followed by 43 base64url characters (32 bytes from RAND_bytes). Only its
// SHA-256 is kept, in memory and, when a file is given, in that JSON file (written to a
// temporary file, fsync'd and renamed over the old one, so a crash leaves the old or the new
// file, never half of one). A lookup hashes the presented token and finds the hash in a
// table: with 256 bits of entropy per token the table lookup leaks nothing useful, so no
// constant-time scan is needed.
//
// Thread safety: every member function may be called from any thread at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "msgcenter/core/error.hpp"

namespace msgcenter::server {

/// Who a token belongs to.
struct token_owner {
  std::string business;
  std::string staff;
};

/// One stored token, as listed to an admin (the token itself is never kept).
struct token_info {
  std::string token_id;  ///< the first 12 hex digits of the hash: names it for revocation
  std::int64_t created_ms = 0;
};

class token_store {
 public:
  /// Most live tokens per staff member; issuing one more drops the oldest.
  static constexpr std::size_t kMaxTokensPerStaff = 20;

  /// An in-memory store (tokens are gone when it is destroyed).
  token_store() = default;

  /// Opens the store kept in `path` (created on first issue). Errors: unavailable (the file
  /// exists but cannot be read or is not a token file).
  [[nodiscard]] static result<std::unique_ptr<token_store>> open(std::string path);

  /// Issues a new token for (business, staff) and returns it; it is shown only this once.
  /// Errors: unavailable (the file could not be written; nothing changed).
  [[nodiscard]] result<std::string> issue(const std::string& business, const std::string& staff);

  /// The owner of `token`, or nullopt for an unknown or revoked one.
  [[nodiscard]] std::optional<token_owner> find(std::string_view token) const;

  /// The live tokens of (business, staff), oldest first.
  [[nodiscard]] std::vector<token_info> list(const std::string& business,
                                             const std::string& staff) const;

  /// Revokes every token of (business, staff), or only `token_id` when given. Returns how
  /// many were revoked. Errors: unavailable (the file could not be written; nothing changed).
  [[nodiscard]] result<std::size_t> revoke(const std::string& business, const std::string& staff,
                                           const std::string& token_id = {});

  /// How many live tokens there are.
  [[nodiscard]] std::size_t size() const;

 private:
  struct entry {
    token_owner owner;
    std::int64_t created_ms = 0;
    std::uint64_t order = 0;  ///< issue order (tokens of one millisecond stay ordered)
  };
  using table = std::unordered_map<std::string, entry>;  ///< hex SHA-256 -> owner

  [[nodiscard]] status save(const table& next) const;

  std::string path_;
  mutable std::shared_mutex mutex_;
  table by_hash_;
  std::uint64_t last_order_ = 0;
};

}  // namespace msgcenter::server
