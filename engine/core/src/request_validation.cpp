#include "msgcenter/core/request_validation.hpp"

#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/media.hpp"
#include "msgcenter/core/send_guard.hpp"
#include "msgcenter/core/text.hpp"

namespace msgcenter {

status validate_id(std::string_view id, std::string_view what) {
  const std::string name(what);
  if (id.empty() || id.size() > kMaxIdBytes)
    return make_error(errc::invalid_argument,
                      name + " must be 1-" + std::to_string(kMaxIdBytes) + " bytes");
  if (!is_valid_utf8(id)) return make_error(errc::invalid_argument, name + " is not valid UTF-8");
  for (std::size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    // C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8.
    const bool c1 = c == 0xC2 && i + 1 < id.size() &&
                    static_cast<unsigned char>(id[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(id[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1)
      return make_error(errc::invalid_argument, name + " has a control character");
  }
  return unit{};
}

status validate_limit(std::size_t limit) {
  if (limit < 1 || limit > kMaxPageSize)
    return make_error(errc::invalid_argument, "limit must be between 1 and 500");
  return unit{};
}

status validate(const send_request& req) {
  if (!req.body.empty() && !req.template_name.empty())
    return make_error(errc::invalid_argument, "give `body` or `template`, not both");
  int targets =
      (req.conversation ? 1 : 0) + (req.contact.empty() ? 0 : 1) + (req.phone.empty() ? 0 : 1);
  if (targets != 1)
    return make_error(errc::invalid_argument, "give exactly one of conversation, contact, phone");
  if (req.kind == message_kind::system)
    return make_error(errc::invalid_argument, "`system` messages are the engine's own");
  if (!req.client_ref.empty())
    if (auto ok = validate_client_ref(req.client_ref); !ok) return ok;
  if (req.expect_last_message && !req.conversation)
    return make_error(errc::invalid_argument, "`expect_last_message` needs `conversation`");
  return unit{};
}

status validate_content(std::string_view body, const std::vector<media_item>& media,
                        media_rules rules) {
  if (body.empty() && media.empty())
    return make_error(errc::invalid_argument, "a message needs a body or media");
  if (auto ok = validate_body(body); !ok) return ok;
  return validate_media(media, rules);
}

status validate(const action_request& req) {
  if (req.action == conversation_action::assign && req.staff.empty())
    return make_error(errc::invalid_argument, "`staff` is required to assign");
  if (req.action == conversation_action::link_contact && req.contact.empty())
    return make_error(errc::invalid_argument, "`contact` is required to link");
  return unit{};
}

status validate(const bulk_request& req) {
  if (req.conversations.size() > kMaxBulkConversations)
    return make_error(errc::invalid_argument, "at most 500 conversations per bulk action");
  if (req.action == conversation_action::assign ||
      req.action == conversation_action::link_contact ||
      req.action == conversation_action::create_lead)
    return make_error(errc::invalid_argument,
                      "this action needs arguments; use conversation.action");
  return unit{};
}

status validate(const status_request& req) {
  if (req.status == message_status::received)
    return make_error(errc::invalid_argument, "`received` is not an outbound status");
  return unit{};
}

}  // namespace msgcenter
