// Bearer credentials of a business: staff tokens (one staff member each) and automation keys
// (the business's own systems: campaign and notification sends, consent requests from an
// opt-in form, contact upserts). Stored only as SHA-256 hashes, revocable.
//
// A staff token is "mcs_", an automation key "mck_", followed by 43 base64url characters
// (32 bytes from RAND_bytes). Only its
// SHA-256 is kept, in memory and, when a file is given, in that JSON file (written to a
// temporary file, fsync'd and renamed over the old one, so a crash leaves the old or the new
// file, never half of one). A lookup hashes the presented token and finds the hash in a
// table: with 256 bits of entropy per token the table lookup leaks nothing useful, so no
// constant-time scan is needed.
//
// Thread safety: every member function may be called from any thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "msgcenter/core/error.hpp"

namespace msgcenter::server {

/// What a credential is.
enum class credential_kind : std::uint8_t {
  staff,       ///< a staff member's token: acts as that staff member
  automation,  ///< a business's automation key: acts as the business, never as staff
};

/// Who a token or key belongs to.
struct token_owner {
  std::string business;
  std::string staff;  ///< empty for an automation key
  credential_kind kind = credential_kind::staff;
};

/// One stored token or key, as listed to an admin (the secret itself is never kept).
struct token_info {
  std::string token_id;  ///< the first 12 hex digits of the hash: names it for revocation
  std::int64_t created_ms = 0;
  std::string name;  ///< an automation key's label ("crm", "opt-in form"); empty for tokens
};

class token_store {
 public:
  /// Most live tokens per staff member; issuing one more drops the oldest.
  static constexpr std::size_t kMaxTokensPerStaff = 20;
  /// Most live automation keys per business; issuing one more is refused (a key is wired
  /// into some system: dropping the oldest would break it silently).
  static constexpr std::size_t kMaxKeysPerBusiness = 20;
  /// Longest key label.
  static constexpr std::size_t kMaxKeyName = 64;

  /// Told the hashes (hex SHA-256) of credentials that stopped being valid (revoked, or
  /// dropped as a staff member's oldest), after the change is saved. Runs on the revoking
  /// thread, outside the store's lock: keep it short. The server closes their event streams.
  using revocation_listener = std::function<void(const std::vector<std::string>& hashes)>;

  /// An in-memory store (tokens are gone when it is destroyed).
  token_store() = default;

  /// Opens the store kept in `path` (created on first issue). Errors: unavailable (the file
  /// exists but cannot be read or is not a token file).
  [[nodiscard]] static result<std::unique_ptr<token_store>> open(std::string path);

  /// Issues a new token for (business, staff) and returns it; it is shown only this once.
  /// Errors: unavailable (the file could not be written; nothing changed).
  [[nodiscard]] result<std::string> issue(const std::string& business, const std::string& staff);

  /// Issues a new automation key for `business`, labelled `name` (0-64 printable ASCII
  /// characters), and returns it with its id; the key is shown only this once.
  /// Errors: invalid_argument (the name, or already kMaxKeysPerBusiness keys: revoke one
  /// first), unavailable (the file could not be written; nothing changed).
  [[nodiscard]] result<std::pair<std::string, std::string>> issue_key(const std::string& business,
                                                                      const std::string& name);

  /// The live automation keys of `business`, oldest first.
  [[nodiscard]] std::vector<token_info> list_keys(const std::string& business) const;

  /// Revokes every automation key of `business`, or only `key_id` when given. Returns how
  /// many were revoked. Errors: unavailable (nothing changed).
  [[nodiscard]] result<std::size_t> revoke_key(const std::string& business,
                                               const std::string& key_id = {});

  /// The owner of `token` (a staff token or an automation key), or nullopt for an unknown
  /// or revoked one.
  [[nodiscard]] std::optional<token_owner> find(std::string_view token) const;

  /// The owner of the credential with this hash (hex SHA-256), for a caller that hashed it
  /// already (the server hashes each credential once per request).
  [[nodiscard]] std::optional<token_owner> find_hash(const std::string& hash) const;

  /// Whether the credential with this hash (hex SHA-256) is still valid.
  [[nodiscard]] bool valid_hash(const std::string& hash) const;

  /// Sets the one revocation listener (replacing any earlier one; empty to clear).
  void on_revoked(revocation_listener listener);

  /// Tests only: called by every change before its file is written (e.g. to hold a write
  /// while lookups go on). Empty in production.
  void set_save_hook(std::function<void()> hook);

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
    std::string name;  ///< automation keys: the label
    std::int64_t created_ms = 0;
    std::uint64_t order = 0;  ///< issue order (tokens of one millisecond stay ordered)
  };
  using table = std::unordered_map<std::string, entry>;  ///< hex SHA-256 -> owner

  /// Writes `next` to the file. Called with write_mutex_ held and mutex_ free: a slow disk
  /// delays other changes, never a lookup (security review L3).
  [[nodiscard]] status save(const table& next) const;
  /// Makes `next` the live table (a swap under mutex_); `next` gets the old one.
  void publish(table& next);
  /// Removes the entries `match` selects, saves, and tells the listener. Returns how many.
  template <class Match>
  result<std::size_t> remove_where(Match match);
  void notify(const std::vector<std::string>& hashes) const;

  std::string path_;
  mutable std::shared_mutex mutex_;  ///< guards by_hash_ for lookups and the swap
  std::mutex write_mutex_;           ///< one change at a time (issue, revoke), file write included
  std::function<void()> save_hook_;
  mutable std::mutex listener_mutex_;
  revocation_listener listener_;
  table by_hash_;
  std::uint64_t last_order_ = 0;
};

}  // namespace msgcenter::server
