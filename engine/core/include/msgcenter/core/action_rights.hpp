// Which right a conversation action needs (spec "Pin, mute, archive, hide", "Assignment,
// visibility and alerts", "Contacts and linking" and "Rights"), and who may list other
// staff members' conversations with the `assignee` filter.
// Stateless and thread-safe.
#pragma once

#include <optional>

#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/error.hpp"
#include "msgcenter/core/operations.hpp"

namespace msgcenter {

/// The right `a` needs on top of view_messages (which every staff operation needs and the
/// caller checks first, together with the staff member's access to the conversation):
///  - archive, unarchive, assign, unassign, link_contact, create_lead: manage_messages
///    (they change what everyone sees);
///  - hide: remove_feed;
///  - mark_read, mark_unread, pin, unpin, mute, unmute: none (nullopt): they only change the
///    staff member's own inbox, or the shared read point anyone who reads moves anyway.
/// Never fails.
[[nodiscard]] std::optional<right> right_for(conversation_action a) noexcept;

/// Refuses `a` when `staff` lacks right_for(a). Check it after the conversation was found
/// and is within the staff member's reach, so an invisible conversation answers not_found,
/// never permission_denied.
/// Errors: `permission_denied` with "archive needs manage_messages" (archive, unarchive),
/// "hide needs remove_feed", "assignment needs manage_messages" (assign, unassign) or
/// "linking needs manage_messages" (link_contact, create_lead).
[[nodiscard]] status check_action_right(const staff_member& staff, conversation_action a);

/// Whether `staff` may name someone else (or `none`) in inbox.list's `assignee` filter:
/// with manage_messages, or when the business's visibility is `all` (everyone sees every
/// conversation of their locations then, so the filter reveals nothing more).
/// Pass the result to inbox_view::list as `may_manage`. Never fails.
[[nodiscard]] bool may_filter_by_other_assignee(const staff_member& staff,
                                                const business_settings& settings) noexcept;

}  // namespace msgcenter
