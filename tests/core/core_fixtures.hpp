// Shared builders for the core rule tests (test_conversation_rules, test_read_status,
// test_access_alerts, test_inbox_listing, test_search, test_contact_book, test_types):
// a directory with numbers and staff, messages of each kind, contact cards, and a small
// `world` that owns conversation_states and pushes each viewer's view into an inbox_view
// the way the conversation actors do. Header-only; every test file includes it.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter::fixtures {

constexpr rights_mask kView = bit(right::view_messages);
constexpr rights_mask kManage = kView | bit(right::manage_messages);
constexpr rights_mask kAllRights = bit(right::view_messages) | bit(right::manage_messages) |
                                   bit(right::send_sms) | bit(right::remove_feed) |
                                   bit(right::export_) | bit(right::admin);

/// The business's two numbers, in locations "north" and "south".
inline const std::string kNorthNumber = "+15550001001";
inline const std::string kSouthNumber = "+15550002002";
inline const std::string kNorth = "north";
inline const std::string kSouth = "south";

inline staff_member make_staff(std::string id, rights_mask rights = kView,
                               std::vector<std::string> locations = {},
                               bool subscribe_all = false) {
  staff_member s;
  s.name = id;
  s.id = std::move(id);
  s.rights = rights;
  s.locations = std::move(locations);
  s.subscribe_all = subscribe_all;
  return s;
}

/// Business "biz" with the north and south numbers and the given staff.
inline directory make_directory(std::vector<staff_member> staff = {}) {
  directory d;
  d.business = "biz";
  d.name = "Biz";
  d.numbers[kNorthNumber] = number_info{kNorthNumber, kNorth};
  d.numbers[kSouthNumber] = number_info{kSouthNumber, kSouth};
  for (auto& s : staff) {
    auto id = s.id;
    d.staff[id] = std::move(s);
  }
  return d;
}

inline message inbound(message_id id, millis at, std::string body = "hello") {
  message m;
  m.id = id;
  m.dir = direction::in;
  m.kind = message_kind::manual;
  m.status = message_status::received;
  m.body = std::move(body);
  m.at = at;
  return m;
}

/// An outbound message; `author` only for manual sends.
inline message outbound(message_id id, millis at, message_kind kind, std::string author = {},
                        std::string body = "reply") {
  message m;
  m.id = id;
  m.dir = direction::out;
  m.kind = kind;
  m.author = std::move(author);
  m.status = message_status::sent;
  m.body = std::move(body);
  m.at = at;
  return m;
}

inline contact_card make_card(std::string id, std::string first, std::string last,
                              contact_kind kind = contact_kind::client) {
  contact_card c;
  c.id = std::move(id);
  c.first_name = std::move(first);
  c.last_name = std::move(last);
  c.kind = kind;
  return c;
}

/// Conversations of one business plus helpers to feed them messages and to push their
/// per-viewer views into inbox_views. Message ids increase across the whole world, as the
/// engine assigns them within a business.
class world {
 public:
  explicit world(directory d) : dir(std::move(d)) {}

  /// Creates conversation `id` between `number` and `phone`.
  conversation_state& start(conversation_id id, std::string phone,
                            const std::string& number = kNorthNumber, millis created_at = 0) {
    const auto* n = dir.find_number(number);
    std::string location = n ? n->location : std::string{};
    auto [it, inserted] =
        convs.emplace(id, conversation_state(id, number, std::move(phone), location, created_at));
    EXPECT_TRUE(inserted) << "conversation " << id << " started twice";
    return it->second;
  }

  conversation_state& conv(conversation_id id) { return convs.at(id); }

  message_id receive(conversation_id c, millis at, std::string body = "hello") {
    auto id = next_id++;
    conv(c).append(inbound(id, at, std::move(body)), dir);
    return id;
  }
  message_id reply(conversation_id c, millis at, const std::string& author,
                   std::string body = "reply") {
    auto id = next_id++;
    conv(c).append(outbound(id, at, message_kind::manual, author, std::move(body)), dir);
    return id;
  }
  message_id send(conversation_id c, millis at, message_kind kind, std::string body = "promo") {
    auto id = next_id++;
    conv(c).append(outbound(id, at, kind, {}, std::move(body)), dir);
    return id;
  }
  message_id system_text(conversation_id c, millis at, direction d = direction::out) {
    auto id = next_id++;
    auto m = outbound(id, at, message_kind::system, {}, "Reply STOP to unsubscribe.");
    m.dir = d;
    conv(c).append(std::move(m), dir);
    return id;
  }

  /// Changes the read status mode the way business.put does (the epoch moves on a change).
  void set_read_mode(read_status_mode m) {
    if (dir.settings.read_status == m) return;
    dir.settings.read_status = m;
    ++dir.read_mode_epoch;
  }

  conversation_view view(conversation_id c, const std::string& viewer) const {
    return convs.at(c).view_for(viewer, dir);
  }
  folder folder_of(conversation_id c, const std::string& viewer) const {
    return view(c, viewer).current_folder();
  }
  std::uint64_t unread_of(conversation_id c, const std::string& viewer) const {
    return view(c, viewer).unread_count();
  }

  access access_of_staff(conversation_id c, const std::string& staff) const {
    const auto* s = dir.find_staff(staff);
    return s ? convs.at(c).access_for(*s, dir) : access::none;
  }

  /// Pushes every conversation's view for the inbox's staff member, with their access.
  void sync(inbox_view& inbox) const {
    for (const auto& [id, c] : convs)
      inbox.apply(c.view_for(inbox.staff_id(), dir), access_of_staff(id, inbox.staff_id()));
  }
  /// Pushes one conversation only (what the actor does after a change to it).
  void sync(inbox_view& inbox, conversation_id c) const {
    inbox.apply(view(c, inbox.staff_id()), access_of_staff(c, inbox.staff_id()));
  }
  inbox_view inbox_for(const std::string& staff) const {
    inbox_view v(staff);
    sync(v);
    return v;
  }

  std::vector<std::string> alert_recipients(conversation_id c) const {
    const auto& s = convs.at(c);
    return inbound_alert_recipients(dir, s.subject(dir.settings), s.last_manual_sender());
  }

  directory dir;
  std::map<conversation_id, conversation_state> convs;
  message_id next_id = 1;
};

inline std::vector<conversation_id> ids_of(const inbox_page& page) {
  std::vector<conversation_id> out;
  for (const auto& r : page.rows) out.push_back(r.view.id);
  return out;
}

/// The ids of one page of inbox.list; records a test failure when the list is refused.
inline std::vector<conversation_id> list_ids(const inbox_view& inbox, const inbox_query& q = {},
                                             bool may_manage = false) {
  auto r = inbox.list(q, may_manage);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? ids_of(r.value()) : std::vector<conversation_id>{};
}

/// Every page of inbox.list, following cursors.
inline std::vector<conversation_id> list_all_pages(const inbox_view& inbox, inbox_query q,
                                                   bool may_manage = false) {
  std::vector<conversation_id> out;
  for (int guard = 0; guard < 10000; ++guard) {
    auto r = inbox.list(q, may_manage);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) break;
    for (auto id : ids_of(r.value())) out.push_back(id);
    if (r.value().cursor.empty()) break;
    q.cursor = r.value().cursor;
  }
  return out;
}

using ids = std::vector<conversation_id>;
using names = std::vector<std::string>;

}  // namespace msgcenter::fixtures
