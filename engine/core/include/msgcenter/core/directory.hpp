// A business's directory: settings, numbers, staff and contacts (spec "Words").
// Plain data plus the lookups every rule needs. Not thread-safe; actors share it as an
// immutable snapshot (std::shared_ptr<const directory>) and replace it on change.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// Per-business settings (protocol.md, business.put settings). Defaults follow spec.md.
struct business_settings {
  read_status_mode read_status = read_status_mode::shared;
  visibility_mode visibility = visibility_mode::all;
  consent_mode consent = consent_mode::implied;
  bool notify_sales = true;
  bool notify_service = true;
  std::string timezone = "UTC";  ///< IANA name, used by export
  std::string help_text = "Reply STOP to unsubscribe. Msg&data rates may apply.";
  std::string opt_out_text =
      "You have been unsubscribed and will receive no further messages. Reply START to "
      "resubscribe.";
  std::string opt_in_request_text =
      "Reply YES to receive text messages from us. Reply STOP to opt out.";
  std::string opt_in_confirmation_text =
      "You are subscribed to text messages. Reply STOP to opt out.";
  std::string twilio_account_sid;
  std::string twilio_auth_token;  ///< write-only secret: never returned or logged
};

struct number_info {
  std::string number;  ///< E.164
  std::string location;
};

struct staff_member {
  std::string id;
  std::string name;
  rights_mask rights = 0;
  std::vector<std::string> locations;  ///< permitted locations; empty = all
  bool subscribe_all = false;

  [[nodiscard]] bool has(right r) const noexcept { return (rights & bit(r)) != 0; }
  [[nodiscard]] bool permits_location(const std::string& location) const;
};

/// A person the business texts (spec "Contacts and linking").
struct contact : contact_card {
  std::vector<std::string> phones;  ///< E.164, normalized

  [[nodiscard]] contact_card card() const { return static_cast<const contact_card&>(*this); }
};

/// A named business text with {first_name}, {last_name}, {business_name} variables.
struct text_template {
  std::string name;
  std::string body;
};

/// Most staff members of one business: the engine numbers a business's inboxes with 16 bits
/// (per-conversation lists of who muted it stay two bytes an entry).
inline constexpr std::size_t kMaxStaffPerBusiness = 65535;

/// A business's settings, numbers, staff and templates: small, read by every conversation,
/// so it is shared as an immutable snapshot. Contacts live in contact_book (they are many).
struct directory {
  std::string business;
  std::string name;
  std::string region = "US";
  std::string default_number;
  business_settings settings;
  /// Incremented whenever `settings.read_status` changes; per-staff read points taken
  /// under an older epoch fall back to the shared point (spec "Read status mode").
  std::uint32_t read_mode_epoch = 0;
  std::map<std::string, number_info> numbers;  ///< by E.164 number
  std::map<std::string, staff_member> staff;   ///< by staff id
  std::map<std::string, text_template> templates;

  [[nodiscard]] const staff_member* find_staff(const std::string& id) const;
  [[nodiscard]] const number_info* find_number(const std::string& e164) const;
  /// The number sends go out from: `default_number`, else the first number; empty if none.
  [[nodiscard]] std::string sending_number() const;
};

using directory_ptr = std::shared_ptr<const directory>;

}  // namespace msgcenter
