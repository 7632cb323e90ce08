// Who may send, ask for or read consent, read a contact's history and export one
// conversation (spec "Sending", "Consent", "Contacts and linking", "Export", "Rights";
// issue 12). The actors look the staff member and the conversation's access up; these
// functions decide. Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter {

/// The acting staff member of a staff operation: `staff_id` (op_context::as) must name a
/// staff member of `dir` who holds `needed`.
/// Errors: `permission_denied` with "unknown staff member `<id>`" (also for an empty id) or
/// "missing right `<right>`".
[[nodiscard]] result<const staff_member*> acting_staff(const directory& dir,
                                                       const std::string& staff_id, right needed);

/// The staff operations a client reads its frame with, and presence (issue 13).
enum class staff_lookup : std::uint8_t {
  me,             ///< staff.me: the caller's own record; any staff member of the business
  staff_list,     ///< staff.list: colleagues' ids and names, for assigning: view_messages
  template_list,  ///< template.list: the texts a sender may use: send_sms
  counts,         ///< inbox.counts: what inbox.list counts: view_messages
  presence,       ///< presence.set: shows the caller in a conversation: view_messages
};

/// The right a staff_lookup needs; nullopt: none beyond being a staff member (staff.me: a
/// staff member may always read who they are, even with no right at all). Never fails.
[[nodiscard]] std::optional<right> right_for(staff_lookup op) noexcept;

/// The acting staff member of a staff_lookup: acting_staff with right_for(op), or only a
/// known staff member when it needs no right.
/// Errors: `permission_denied` as acting_staff.
[[nodiscard]] result<const staff_member*> acting_staff(const directory& dir,
                                                       const std::string& staff_id,
                                                       staff_lookup op);

/// Whether a send of `kind` may go out, by who sends it:
///  - the business's automation (`staff_id` empty: the admin API, replay, the C++ API without
///    `as`): `campaign` and `notification`; a `manual` send has an author, so it needs one;
///  - a staff member (`staff_id` non-empty): every kind, with `send_sms`, and only a staff
///    member the directory has (`staff`: the directory's entry, nullptr when there is none).
/// Where it may go is may_use_number and may_send_into.
/// Errors: `permission_denied` with "a manual send needs a staff member", "unknown staff
/// member `<id>`" or "missing right `send_sms`".
[[nodiscard]] status may_send(const std::string& staff_id, const staff_member* staff,
                              message_kind kind);

/// A staff member sends from (and asks or reads consent on) only the numbers of their
/// permitted locations (staff_member::permits_location). Automation may use every number,
/// so the caller skips this without a staff member.
/// Errors: `permission_denied` with "number <number> is in location `<location>`, not one of
/// yours" (a business's numbers are no secret to its staff: the refusal names the rule, so a
/// client can offer another number).
[[nodiscard]] status may_use_number(const staff_member& staff, const number_info& number);

/// A staff member's send into an existing conversation, of any kind and by any target
/// (conversation, contact or phone), needs access to it (not access::none): an invisible
/// conversation is not written into and answers like a missing one.
/// Errors: `not_found` with "no such conversation".
[[nodiscard]] status may_send_into(access acc);

/// The consent operations a staff member may call.
enum class consent_operation : std::uint8_t {
  request,  ///< consent.request: sets `pending` and texts the phone the opt-in request
  get,      ///< consent.get: reads a phone's consent on a number
};

/// The right each consent operation needs: `request` texts the phone, so `send_sms`;
/// `get` reads what the conversation's detail shows anyway, so `view_messages`.
/// Never fails.
[[nodiscard]] right right_for(consent_operation op) noexcept;

/// Whether a staff member's contact history includes a conversation on a number of
/// `location`: with `view_messages`, on numbers of their permitted locations only. The
/// business's visibility setting is not applied (spec: "Contact history stays readable to
/// everyone with view_messages", in `assigned` visibility too). Never fails.
[[nodiscard]] bool in_contact_history(const staff_member& staff,
                                      const std::string& location) noexcept;

/// The export of one conversation needs access to it (not access::none), on top of the
/// `export` right: *none* answers not_found for every operation.
/// Errors: `not_found` with "no such conversation".
[[nodiscard]] status may_export_conversation(access acc);

/// Who may run an admin operation (business.put, number.put, staff.put, template.put,
/// contact.put) and manage a business's tokens and keys: the platform (`staff_id` empty: the
/// admin key, replay, the C++ API), or a staff member of the business holding `admin` (the
/// tenant's own administrator, over `/v1/admin` with their token; issue 12, M10).
/// Errors: `permission_denied` as acting_staff.
[[nodiscard]] status may_administer(const directory& dir, const std::string& staff_id);

}  // namespace msgcenter
