// The saved form of every stored type: one field list each (field_list.hpp has the rules).
//
// This file is the on-disk format (store format version 2, schema.hpp). The tag numbers are
// written to disk and must never change or be reused: to add a field, append a line with
// the next unused tag of its type, and give the member a default that means "what a record
// written before this field meant". To retire a field, delete its line and leave a comment
// "tag N was <name>". A change that old builds must not read (a changed meaning, a new
// record type, a new enum value old builds would refuse) bumps store_format_version.
#pragma once

#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/types.hpp"
#include "msgcenter/persistence/field_list.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::persistence {

// ---- enums: the largest value of each (a new value goes here too) ------------------------

#define MSGCENTER_ENUM_MAX(E, max_value)  \
  template <>                             \
  struct enum_max<E> {                    \
    static constexpr E value = max_value; \
  }

MSGCENTER_ENUM_MAX(direction, direction::out);
MSGCENTER_ENUM_MAX(message_kind, message_kind::system);
MSGCENTER_ENUM_MAX(message_status, message_status::failed);
MSGCENTER_ENUM_MAX(text_encoding, text_encoding::ucs2);
MSGCENTER_ENUM_MAX(contact_kind, contact_kind::resource);
MSGCENTER_ENUM_MAX(consent_state, consent_state::no);
MSGCENTER_ENUM_MAX(read_status_mode, read_status_mode::per_staff);
MSGCENTER_ENUM_MAX(visibility_mode, visibility_mode::assigned);
MSGCENTER_ENUM_MAX(consent_mode, consent_mode::double_opt_in);
MSGCENTER_ENUM_MAX(alert_kind, alert_kind::assigned);
MSGCENTER_ENUM_MAX(inbox_record::change, inbox_record::change::alert_acked);

#undef MSGCENTER_ENUM_MAX

// ---- messages --------------------------------------------------------------------------

template <>
struct saved_type<media_item> {
  static constexpr const char* name = "media_item";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "url", &media_item::url),
                           make_field(2, "content_type", &media_item::content_type),
                           make_field(3, "size", &media_item::size));
  }
};

template <>
struct saved_type<message> {
  static constexpr const char* name = "message";
  static constexpr auto fields() {
    return std::make_tuple(
        make_field(1, "id", &message::id), make_field(2, "conversation", &message::conversation),
        make_field(3, "dir", &message::dir), make_field(4, "kind", &message::kind),
        make_field(5, "author", &message::author), make_field(6, "body", &message::body),
        make_field(7, "media", &message::media), make_field(8, "status", &message::status),
        make_field(9, "error_code", &message::error_code),
        make_field(10, "provider_id", &message::provider_id), make_field(11, "at", &message::at),
        make_field(12, "encoding", &message::encoding),
        make_field(13, "segments", &message::segments));
  }
};

// ---- contacts and the directory --------------------------------------------------------

template <>
struct saved_type<contact_card> {
  static constexpr const char* name = "contact_card";
  static constexpr auto fields() {
    return std::make_tuple(
        make_field(1, "id", &contact_card::id), make_field(2, "kind", &contact_card::kind),
        make_field(3, "first_name", &contact_card::first_name),
        make_field(4, "last_name", &contact_card::last_name),
        make_field(5, "email", &contact_card::email), make_field(6, "uid", &contact_card::uid),
        make_field(7, "client_type", &contact_card::client_type),
        make_field(8, "groups", &contact_card::groups),
        make_field(9, "home_location", &contact_card::home_location),
        make_field(10, "sales_owner", &contact_card::sales_owner),
        make_field(11, "service_owner", &contact_card::service_owner));
  }
};

/// A contact is its card's fields (same tags) plus its phones.
template <>
struct saved_type<contact> {
  static constexpr const char* name = "contact";
  static constexpr auto fields() {
    return std::tuple_cat(saved_type<contact_card>::fields(),
                          std::make_tuple(make_field(12, "phones", &contact::phones)));
  }
};

template <>
struct saved_type<business_settings> {
  using s = business_settings;
  static constexpr const char* name = "business_settings";
  static constexpr auto fields() {
    return std::make_tuple(
        make_field(1, "read_status", &s::read_status), make_field(2, "visibility", &s::visibility),
        make_field(3, "consent", &s::consent), make_field(4, "notify_sales", &s::notify_sales),
        make_field(5, "notify_service", &s::notify_service),
        make_field(6, "timezone", &s::timezone), make_field(7, "help_text", &s::help_text),
        make_field(8, "opt_out_text", &s::opt_out_text),
        make_field(9, "opt_in_request_text", &s::opt_in_request_text),
        make_field(10, "opt_in_confirmation_text", &s::opt_in_confirmation_text),
        make_field(11, "twilio_account_sid", &s::twilio_account_sid),
        make_field(12, "twilio_auth_token", &s::twilio_auth_token));
  }
};

template <>
struct saved_type<number_info> {
  static constexpr const char* name = "number_info";
  static constexpr auto key = &number_info::number;  ///< directory::numbers is keyed by it
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "number", &number_info::number),
                           make_field(2, "location", &number_info::location));
  }
};

template <>
struct saved_type<staff_member> {
  static constexpr const char* name = "staff_member";
  static constexpr auto key = &staff_member::id;
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "id", &staff_member::id),
                           make_field(2, "name", &staff_member::name),
                           make_field(3, "rights", &staff_member::rights),
                           make_field(4, "locations", &staff_member::locations),
                           make_field(5, "subscribe_all", &staff_member::subscribe_all));
  }
};

template <>
struct saved_type<text_template> {
  static constexpr const char* name = "text_template";
  static constexpr auto key = &text_template::name;
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "name", &text_template::name),
                           make_field(2, "body", &text_template::body));
  }
};

template <>
struct saved_type<directory> {
  static constexpr const char* name = "directory";
  static constexpr auto fields() {
    return std::make_tuple(
        make_field(1, "business", &directory::business), make_field(2, "name", &directory::name),
        make_field(3, "region", &directory::region),
        make_field(4, "default_number", &directory::default_number),
        make_field(5, "settings", &directory::settings),
        make_field(6, "read_mode_epoch", &directory::read_mode_epoch),
        make_field(7, "numbers", &directory::numbers), make_field(8, "staff", &directory::staff),
        make_field(9, "templates", &directory::templates));
  }
};

// ---- conversations and inboxes ---------------------------------------------------------

template <>
struct saved_type<read_point> {
  static constexpr const char* name = "read_point";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "seen", &read_point::seen),
                           make_field(2, "marked_unread", &read_point::marked_unread),
                           make_field(3, "epoch", &read_point::epoch),
                           make_field(4, "stamp", &read_point::stamp));
  }
};

template <>
struct saved_type<conversation_image> {
  using c = conversation_image;
  static constexpr const char* name = "conversation_image";
  static constexpr auto fields() {
    return std::make_tuple(
        make_field(1, "id", &c::id), make_field(2, "number", &c::number),
        make_field(3, "phone", &c::phone), make_field(4, "location", &c::location),
        make_field(5, "contact", &c::contact), make_field(6, "created_at", &c::created_at),
        make_field(7, "last_time", &c::last_time),
        make_field(8, "last_activity", &c::last_activity),
        make_field(9, "last_direction", &c::last_direction), make_field(10, "preview", &c::preview),
        make_field(11, "archived", &c::archived), make_field(12, "hidden", &c::hidden),
        make_field(13, "assignee", &c::assignee),
        make_field(14, "last_manual_sender", &c::last_manual_sender),
        make_field(15, "message_count", &c::message_count),
        make_field(16, "inbound_count", &c::inbound_count),
        make_field(17, "inbound_at_last_outbound", &c::inbound_at_last_outbound),
        make_field(18, "types", &c::types), make_field(19, "failed_count", &c::failed_count),
        make_field(20, "shared_read", &c::shared_read),
        make_field(21, "staff_read", &c::staff_read), make_field(22, "read_stamp", &c::read_stamp));
  }
};

template <>
struct saved_type<alert> {
  static constexpr const char* name = "alert";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "id", &alert::id), make_field(2, "kind", &alert::kind),
                           make_field(3, "conversation", &alert::conversation),
                           make_field(4, "message", &alert::message),
                           make_field(5, "at", &alert::at), make_field(6, "acked", &alert::acked));
  }
};

// ---- journal and snapshot records ------------------------------------------------------
// A record is [record_tag, {fields}]; record tags, like field tags, are never reused.

template <>
struct saved_type<directory_record> {
  static constexpr std::uint32_t record_tag = 1;
  static constexpr const char* name = "directory_record";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "business_no", &directory_record::business_no),
                           make_field(2, "dir", &directory_record::dir));
  }
};

template <>
struct saved_type<contact_record> {
  static constexpr std::uint32_t record_tag = 2;
  static constexpr const char* name = "contact_record";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "business", &contact_record::business),
                           make_field(2, "value", &contact_record::value));
  }
};

template <>
struct saved_type<consent_record> {
  static constexpr std::uint32_t record_tag = 3;
  static constexpr const char* name = "consent_record";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "business", &consent_record::business),
                           make_field(2, "phone", &consent_record::phone),
                           make_field(3, "number", &consent_record::number),
                           make_field(4, "state", &consent_record::state));
  }
};

template <>
struct saved_type<conversation_record> {
  static constexpr std::uint32_t record_tag = 4;
  static constexpr const char* name = "conversation_record";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "business", &conversation_record::business),
                           make_field(2, "image", &conversation_record::image),
                           make_field(3, "messages", &conversation_record::messages));
  }
};

template <>
struct saved_type<inbox_record> {
  static constexpr std::uint32_t record_tag = 5;
  static constexpr const char* name = "inbox_record";
  static constexpr auto fields() {
    return std::make_tuple(make_field(1, "business", &inbox_record::business),
                           make_field(2, "staff", &inbox_record::staff),
                           make_field(3, "what", &inbox_record::what),
                           make_field(4, "conversation", &inbox_record::conversation),
                           make_field(5, "alerts", &inbox_record::alerts));
  }
};

template <>
struct saved_type<inbox_image> {
  static constexpr std::uint32_t record_tag = 6;
  static constexpr const char* name = "inbox_image";
  static constexpr auto fields() {
    return std::make_tuple(
        make_field(1, "business", &inbox_image::business),
        make_field(2, "staff", &inbox_image::staff), make_field(3, "pins", &inbox_image::pins),
        make_field(4, "mutes", &inbox_image::mutes), make_field(5, "alerts", &inbox_image::alerts));
  }
};

}  // namespace msgcenter::persistence
