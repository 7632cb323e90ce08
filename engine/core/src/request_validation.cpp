#include "msgcenter/core/request_validation.hpp"

#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/media.hpp"

namespace msgcenter {

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
  return unit{};
}

status validate_content(std::string_view body, const std::vector<media_item>& media) {
  if (body.empty() && media.empty())
    return make_error(errc::invalid_argument, "a message needs a body or media");
  if (auto ok = validate_body(body); !ok) return ok;
  return validate_media(media);
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
