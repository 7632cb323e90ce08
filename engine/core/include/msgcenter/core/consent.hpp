// Consent rules (spec "Consent"): which inbound bodies are keywords, how a keyword moves the
// consent state of a (contact phone, business number) pair and what the engine texts back,
// and whether a send is allowed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// What an inbound body means for consent.
enum class consent_keyword : std::uint8_t {
  none,    ///< an ordinary message
  stop,    ///< STOP STOPALL UNSUBSCRIBE CANCEL END QUIT REVOKE OPTOUT
  start,   ///< START
  unstop,  ///< UNSTOP
  yes,     ///< YES
  help,    ///< HELP INFO
};

/// The keyword `body` is, if any: the whole body with ASCII whitespace trimmed, compared
/// case-insensitively (ASCII). Anything more is not a keyword: "stop please" and "STOP."
/// are ordinary messages, so a customer writing a sentence never unsubscribes by accident.
/// Never fails.
[[nodiscard]] consent_keyword classify_keyword(std::string_view body);

/// What a keyword does: the next state and the one `system` text to send, if any.
struct consent_outcome {
  consent_state next = consent_state::unknown;
  enum class reply : std::uint8_t {
    none,                  ///< send nothing
    opt_out_confirmation,  ///< business_settings::opt_out_text
    opt_in_confirmation,   ///< business_settings::opt_in_confirmation_text
    help,                  ///< business_settings::help_text
  } reply = reply::none;

  friend bool operator==(const consent_outcome& a, const consent_outcome& b) {
    return a.next == b.next && a.reply == b.reply;
  }
};
/// The reply type by a name usable outside consent_outcome (where the member hides it).
using consent_reply = enum consent_outcome::reply;

/// Applies keyword `k` received in state `current`:
///  - stop: `no`; the opt-out confirmation only when the state changed, so a repeated STOP
///    (carriers and people retry) is answered once;
///  - start, unstop: `yes` from `no` with the opt-in confirmation; otherwise nothing;
///  - yes: `yes` from `no` or `pending` with the opt-in confirmation; otherwise nothing (a YES
///    nobody asked for, or a repeated one, is not answered);
///  - help: state unchanged, the help text always;
///  - none: nothing.
/// Never fails.
[[nodiscard]] consent_outcome apply_keyword(consent_state current, consent_keyword k);

/// Whether a manual, campaign or notification message may be sent in state `s` under the
/// business's consent `mode`. System texts (the replies above) are not subject to this.
/// Errors: `opted_out` when `s` is `no` (in every mode); `consent_required` in
/// `double_opt_in` mode when `s` is not `yes`.
[[nodiscard]] status check_send_consent(consent_state s, consent_mode mode);

/// The consent state of every (contact phone, business number) pair of one business. Pairs
/// never seen are `unknown`, and a state on one number says nothing about another number.
/// Not thread-safe: owned by one business actor.
class consent_book {
 public:
  /// (contact phone, business number), both E.164.
  using key = std::pair<std::string, std::string>;

  /// The state of `phone` on business number `number`; `unknown` when never set.
  [[nodiscard]] consent_state get(std::string_view phone, std::string_view number) const;

  /// Records `state` for `phone` on `number`. Setting `unknown` forgets the pair.
  void set(std::string_view phone, std::string_view number, consent_state state);

  /// Every pair whose state is not `unknown` (for snapshots and persistence).
  [[nodiscard]] const std::map<key, consent_state>& all() const noexcept { return states_; }
  [[nodiscard]] std::size_t size() const noexcept { return states_.size(); }

 private:
  std::map<key, consent_state> states_;
};

}  // namespace msgcenter
