#include "msgcenter/core/action_rights.hpp"

namespace msgcenter {

std::optional<right> right_for(conversation_action a) noexcept {
  switch (a) {
    case conversation_action::archive:
    case conversation_action::unarchive:
    case conversation_action::assign:
    case conversation_action::unassign:
    case conversation_action::link_contact:
    case conversation_action::create_lead:
      return right::manage_messages;
    case conversation_action::hide:
      return right::remove_feed;
    case conversation_action::mark_read:
    case conversation_action::mark_unread:
    case conversation_action::pin:
    case conversation_action::unpin:
    case conversation_action::mute:
    case conversation_action::unmute:
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// The refusal texts the engine has always answered with, one per family of actions.
const char* refusal_text(conversation_action a) noexcept {
  switch (a) {
    case conversation_action::archive:
    case conversation_action::unarchive:
      return "archive needs manage_messages";
    case conversation_action::hide:
      return "hide needs remove_feed";
    case conversation_action::assign:
    case conversation_action::unassign:
      return "assignment needs manage_messages";
    case conversation_action::link_contact:
    case conversation_action::create_lead:
      return "linking needs manage_messages";
    default:
      return "";
  }
}

}  // namespace

status check_action_right(const staff_member& staff, conversation_action a) {
  auto needed = right_for(a);
  if (!needed || staff.has(*needed)) return unit{};
  return make_error(errc::permission_denied, refusal_text(a));
}

bool may_filter_by_other_assignee(const staff_member& staff,
                                  const business_settings& settings) noexcept {
  return staff.has(right::manage_messages) || settings.visibility == visibility_mode::all;
}

}  // namespace msgcenter
