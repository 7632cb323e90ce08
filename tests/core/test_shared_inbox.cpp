// conversation_index + staff_inbox (shared_inbox.hpp) against the per-viewer-copy model
// inbox_view (inbox.hpp), which is the reference: random histories of messages, reads,
// archive/hide, assignment, contact links, pins, mutes and directory changes (read mode,
// visibility, notify_sales/service, a staff member's rights/locations/subscribe_all) are
// run through both. After every operation every staff member's badge, every row and access,
// four listings paged at limit 1, 2 or 3, and a third of the other queries must be
// identical; after every 25th operation and the last, every query (each folder and filter,
// searches, assignee filters with and without manage_messages, refusals, hand-made cursors)
// at limit 50 and paged at limits 1..3 to the end, cursors included.
// Then a few readable unit tests of each class.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core_fixtures.hpp"
#include "msgcenter/core/access.hpp"
#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/shared_inbox.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

// ---- Differential test ----------------------------------------------------------------------

constexpr int kDefaultSeeds = 60;  // MSGCENTER_SHARED_INBOX_SEEDS=N runs N (soak: 1000 passed)
constexpr int kOpsPerSeed = 150;
constexpr int kConversations = 8;
constexpr int kDeepEvery = 25;   // every query, every limit after every 25th operation and the last
constexpr int kQueryStride = 3;  // else a third of the queries at limit 50, in turn
const std::string kGhost = "ghost";  // a staff id that is not in the directory

std::string describe(const inbox_query& q, bool may_manage) {
  std::ostringstream o;
  o << "{folder=" << to_string(q.folder) << " types=" << int(q.types);
  if (q.from) o << " from=" << *q.from;
  if (q.to) o << " to=" << *q.to;
  if (q.client_type) o << " client_type=" << *q.client_type;
  if (q.group) o << " group=" << *q.group;
  if (q.location) o << " location=" << *q.location;
  if (q.contact_kind) o << " contact_kind=" << int(*q.contact_kind);
  if (q.assignee) o << " assignee='" << *q.assignee << "'";
  if (q.last_direction) o << " last_direction=" << to_string(*q.last_direction);
  if (!q.q.empty()) o << " q='" << q.q << "'";
  o << " limit=" << q.limit << " cursor='" << q.cursor << "' may_manage=" << may_manage << "}";
  return o.str();
}

std::string describe(const inbox_row& r) {
  std::ostringstream o;
  o << "c" << r.view.id << "[" << to_string(r.current_folder) << " unread=" << r.unread_count
    << (r.pinned ? " pinned" : "") << (r.muted ? " muted" : "") << " at=" << r.view.last_activity
    << "]";
  return o.str();
}

std::string describe(const std::vector<inbox_row>& rows) {
  std::string s;
  for (auto& r : rows) s += describe(r) + " ";
  return s;
}

/// Empty when equal, else what differs. Everything a row shows except the view's version.
std::string row_diff(const inbox_row& a, const inbox_row& b) {
  std::string o;
  auto field = [&](const char* name, bool same) {
    if (!same) o += std::string(name) + " ";
  };
  const auto& x = a.view;
  const auto& y = b.view;
  field("id", x.id == y.id);
  field("folder", a.current_folder == b.current_folder);
  field("unread_count", a.unread_count == b.unread_count);
  field("pinned", a.pinned == b.pinned);
  field("muted", a.muted == b.muted);
  field("number", x.number == y.number);
  field("phone", x.phone == y.phone);
  field("location", x.location == y.location);
  field("contact",
        x.contact.has_value() == y.contact.has_value() &&
            (!x.contact ||
             (x.contact->id == y.contact->id && x.contact->first_name == y.contact->first_name &&
              x.contact->last_name == y.contact->last_name && x.contact->kind == y.contact->kind)));
  field("last_activity", x.last_activity == y.last_activity);
  field("last_direction", x.last_direction == y.last_direction);
  field("has_messages", x.has_messages == y.has_messages);
  field("preview", x.preview == y.preview);
  field("archived", x.archived == y.archived);
  field("hidden", x.hidden == y.hidden);
  field("assignee", x.assignee == y.assignee);
  field("message_count", x.message_count == y.message_count);
  field("types", x.types == y.types);
  field("inbound_count", x.inbound_count == y.inbound_count);
  field("read", x.read.seen == y.read.seen && x.read.marked_unread == y.read.marked_unread);
  return o.empty() ? o : describe(a) + " vs " + describe(b) + ": " + o;
}

/// The two models fed the same history.
class twin_models {
 public:
  explicit twin_models(std::uint32_t seed) : rng_(seed) {
    build_directory();
    std::vector<conversation_id> pool(30);
    for (conversation_id i = 0; i < pool.size(); ++i) pool[i] = i + 1;
    std::shuffle(pool.begin(), pool.end(), rng_);
    ids_.assign(pool.begin(), pool.begin() + kConversations);  // creation order != id order
    convs_.resize(kConversations);
    for (auto& [id, s] : dir_.staff) {
      old_.emplace(id, inbox_view(id));
      own_.emplace(id, staff_inbox(id));
    }
  }

  /// Runs one random operation; returns what it was (for failure messages).
  std::string step() {
    std::ostringstream what;
    const int roll = pick(0, 99);
    if (roll < 3) {
      change_directory(what, /*read_mode=*/true);
      return what.str();
    }
    if (roll < 5) {
      change_directory(what, /*read_mode=*/false);
      return what.str();
    }
    const int slot = pick(0, kConversations - 1);
    if (roll < 15) {
      // Pin / mute by one staff member; allowed before the conversation exists.
      const auto& s = random_staff();
      const conversation_id id = ids_[slot];
      const bool pin = pick(0, 1) == 0;
      const bool on = pick(0, 2) != 0;
      what << s.id << (on ? "" : " un") << (pin ? "pin" : "mute") << " c" << id;
      auto& own = own_.at(s.id);
      const auto* c = convs_[slot].get();
      badge before = c ? index_.contribution(s, own, *c, dir_) : badge{};
      if (pin) {
        bool a = old_.at(s.id).set_pinned(id, on);
        bool b = own.set_pinned(id, on);
        if (a != b)
          mismatch_ +=
              "set_pinned returned " + std::to_string(a) + " vs " + std::to_string(b) + "; ";
      } else {
        bool a = old_.at(s.id).set_muted(id, on);
        bool b = own.set_muted(id, on);
        if (a != b)
          mismatch_ +=
              "set_muted returned " + std::to_string(a) + " vs " + std::to_string(b) + "; ";
      }
      badge after = c ? index_.contribution(s, own, *c, dir_) : badge{};
      own.adjust_badge(before, after);
      return what.str();
    }

    // An operation on one conversation (created on first use).
    bool created = false;
    if (!convs_[slot]) {
      const bool north = pick(0, 1) == 0;
      const auto& number = north ? kNorthNumber : kSouthNumber;
      const conversation_id id = ids_[slot];
      convs_[slot] = std::make_unique<conversation_state>(
          id, number, "+1555777" + std::to_string(1000 + id), north ? kNorth : kSouth, now_);
      created = true;
      what << "create c" << id << " on " << (north ? kNorth : kSouth) << "; ";
    }
    auto& c = *convs_[slot];
    std::map<std::string, badge> before;
    for (auto& [id, s] : dir_.staff)
      before[id] = created ? badge{} : index_.contribution(s, own_.at(id), c, dir_);
    mutate(c, what);
    propagate(c, before);
    return what.str();
  }

  /// Empty when both models agree on everything, else the first difference found.
  /// Always: every staff member's badge (also against a recount), row and access for every
  /// conversation, and four queries paged to the end at limit 1, 2 or 3 in turn. Then
  /// `deep`: every query at limit 50 and paged at limits 1..3; else one query in
  /// kQueryStride at limit 50, a different share after each operation.
  std::string compare(int op, bool deep) {
    if (!mismatch_.empty()) return std::exchange(mismatch_, {});
    for (auto& [id, s] : dir_.staff) {
      auto d = compare_staff(s, op, deep);
      if (!d.empty()) return "staff " + id + ": " + d;
    }
    return {};
  }

  std::size_t list_calls() const { return list_calls_; }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(0, 99) < percent; }

  const staff_member& random_staff() {
    auto it = dir_.staff.begin();
    std::advance(it, pick(0, static_cast<int>(dir_.staff.size()) - 1));
    return it->second;
  }
  std::string random_staff_id(bool allow_ghost, bool allow_empty) {
    int r = pick(0, 9);
    if (allow_empty && r == 0) return {};
    if (allow_ghost && r == 1) return kGhost;
    return random_staff().id;
  }

  void build_directory() {
    dir_ = make_directory();
    dir_.settings.visibility = chance(50) ? visibility_mode::all : visibility_mode::assigned;
    dir_.settings.read_status = chance(50) ? read_status_mode::shared : read_status_mode::per_staff;
    dir_.settings.notify_sales = chance(50);
    dir_.settings.notify_service = chance(50);
    const int n = pick(3, 6);
    for (int i = 1; i <= n; ++i) {
      staff_member s = make_staff("s" + std::to_string(i), 0);
      randomize_staff(s);
      dir_.staff[s.id] = s;
    }
  }

  void randomize_staff(staff_member& s) {
    s.rights = 0;
    if (chance(90)) s.rights |= bit(right::view_messages);
    if (chance(35)) s.rights |= bit(right::manage_messages);
    if (chance(30)) s.rights |= bit(right::remove_feed);
    if (chance(50)) s.rights |= bit(right::send_sms);
    switch (pick(0, 5)) {
      case 0:
        s.locations = {kNorth};
        break;
      case 1:
        s.locations = {kSouth};
        break;
      case 2:
        s.locations = {kNorth, kSouth};
        break;
      default:
        s.locations = {};
    }
    s.subscribe_all = chance(25);
  }

  contact_card random_card() {
    static const char* first[] = {"Ana", "Zoë", "Bob", "Émile", "Ana-Maria"};
    static const char* last[] = {"Smith", "Brown", "O'Brien", "Smythe"};
    static const char* types[] = {"vip", "regular"};
    int k = pick(1, 6);
    contact_card c = make_card("k" + std::to_string(k), first[pick(0, 4)], last[pick(0, 3)],
                               static_cast<contact_kind>(pick(0, 2)));
    c.email = chance(70) ? "user" + std::to_string(k) + "@example.com" : "";
    c.uid = chance(50) ? "U" + std::to_string(100 + k) : "";
    c.client_type = chance(80) ? types[pick(0, 1)] : "";
    if (chance(50)) c.groups.push_back("g1");
    if (chance(50)) c.groups.push_back("g2");
    int h = pick(0, 2);
    c.home_location = h == 0 ? kNorth : h == 1 ? kSouth : "";
    c.sales_owner = random_staff_id(true, true);
    c.service_owner = random_staff_id(true, true);
    return c;
  }

  millis next_time() {
    static const millis steps[] = {0, 0, 1, 7, 100, 1000};
    now_ += steps[pick(0, 5)];
    // Sometimes a late `at`: the conversation raises it to the latest time it has seen.
    return chance(10) ? now_ - 50 : now_;
  }

  message make_message(direction d, message_kind kind) {
    message m;
    m.id = next_message_++;
    m.dir = d;
    m.kind = kind;
    m.at = next_time();
    static const char* bodies[] = {"hello", "Are you open tomorrow?", "ok", "Thanks!",
                                   "Your appointment is confirmed"};
    m.body = std::string(bodies[pick(0, 4)]) + " #" + std::to_string(m.id);
    if (d == direction::in) {
      m.status = message_status::received;
    } else {
      static const message_status out[] = {message_status::queued, message_status::sent,
                                           message_status::delivered, message_status::failed,
                                           message_status::undelivered};
      m.status = out[pick(0, 4)];
    }
    return m;
  }

  void mutate(conversation_state& c, std::ostringstream& what) {
    const int r = pick(0, 99);
    if (r < 28) {
      what << "inbound c" << c.id();
      c.append(make_message(direction::in, message_kind::manual), dir_);
    } else if (r < 38) {
      auto m = make_message(direction::out, message_kind::manual);
      m.author = random_staff_id(true, false);
      what << "manual reply by " << m.author << " c" << c.id();
      c.append(std::move(m), dir_);
    } else if (r < 42) {
      what << "campaign c" << c.id();
      c.append(make_message(direction::out, message_kind::campaign), dir_);
    } else if (r < 46) {
      what << "notification c" << c.id();
      c.append(make_message(direction::out, message_kind::notification), dir_);
    } else if (r < 50) {
      auto d = chance(50) ? direction::in : direction::out;
      what << "system " << to_string(d) << " c" << c.id();
      c.append(make_message(d, message_kind::system), dir_);
    } else if (r < 53) {
      if (c.messages().empty()) {
        what << "status (no messages) c" << c.id();
        return;
      }
      const auto& m = c.messages()[static_cast<std::size_t>(
          pick(0, static_cast<int>(c.messages().size()) - 1))];
      static const message_status st[] = {message_status::sent, message_status::delivered,
                                          message_status::failed, message_status::undelivered};
      auto s = st[pick(0, 3)];
      what << "status m" << m.id << " " << to_string(s) << " c" << c.id();
      c.update_status(m.id, s, s == message_status::failed ? "30003" : "");
    } else if (r < 65) {
      const auto& s = random_staff();
      what << "mark_read by " << s.id << " c" << c.id();
      c.mark_read(s.id, dir_);
    } else if (r < 71) {
      const auto& s = random_staff();
      what << "mark_unread by " << s.id << " c" << c.id();
      c.mark_unread(s.id, dir_);
    } else if (r < 76) {
      what << "archive c" << c.id();
      c.set_archived(true);
    } else if (r < 78) {
      what << "unarchive c" << c.id();
      c.set_archived(false);
    } else if (r < 82) {
      what << "hide c" << c.id();
      c.set_hidden(true);
    } else if (r < 83) {
      what << "unhide c" << c.id();
      c.set_hidden(false);
    } else if (r < 89) {
      auto a = random_staff_id(true, false);
      what << "assign " << a << " c" << c.id();
      c.set_assignee(a);
    } else if (r < 92) {
      what << "unassign c" << c.id();
      c.set_assignee({});
    } else if (r < 98) {
      auto card = random_card();
      what << "link " << card.id << " (" << card.first_name << " " << card.last_name
           << ", sales=" << card.sales_owner << ", service=" << card.service_owner << ") c"
           << c.id();
      c.link(std::move(card));
    } else {
      what << "unlink c" << c.id();
      c.link(std::nullopt);
    }
  }

  std::vector<std::string> owners(const conversation_state& c) const {
    return owners_of(c.assignee(), c.contact() ? &*c.contact() : nullptr, dir_.settings);
  }

  /// What the engine does after a change to `c`: the old model re-applies c's view for every
  /// staff member; the new one re-places c and moves each badge by c's contribution.
  void propagate(const conversation_state& c, const std::map<std::string, badge>& before) {
    for (auto& [id, s] : dir_.staff) {
      auto v = c.view_for(id, dir_);
      v.version = ++version_;
      old_.at(id).apply(std::move(v), c.access_for(s, dir_));
    }
    index_.place(c, owners(c));
    for (auto& [id, s] : dir_.staff) {
      auto& own = own_.at(id);
      own.adjust_badge(before.at(id), index_.contribution(s, own, c, dir_));
    }
  }

  /// A new directory snapshot: a read-mode switch (settings.read_status toggled, epoch moved
  /// on), or another settings / staff change that moves access or owners.
  void change_directory(std::ostringstream& what, bool read_mode) {
    directory next = dir_;
    if (read_mode) {
      next.settings.read_status = next.settings.read_status == read_status_mode::shared
                                      ? read_status_mode::per_staff
                                      : read_status_mode::shared;
      ++next.read_mode_epoch;
      what << "read mode -> " << to_string(next.settings.read_status);
    } else {
      switch (pick(0, 3)) {
        case 0:
          next.settings.visibility = next.settings.visibility == visibility_mode::all
                                         ? visibility_mode::assigned
                                         : visibility_mode::all;
          what << "visibility -> " << to_string(next.settings.visibility);
          break;
        case 1:
          next.settings.notify_sales = !next.settings.notify_sales;
          what << "notify_sales -> " << next.settings.notify_sales;
          break;
        case 2:
          next.settings.notify_service = !next.settings.notify_service;
          what << "notify_service -> " << next.settings.notify_service;
          break;
        default: {
          auto it = next.staff.begin();
          std::advance(it, pick(0, static_cast<int>(next.staff.size()) - 1));
          randomize_staff(it->second);
          what << "staff " << it->first << " rights=" << it->second.rights
               << " locations=" << it->second.locations.size()
               << " subscribe_all=" << it->second.subscribe_all;
        }
      }
    }
    // Badges: every conversation's contribution under the old snapshot, then the new.
    std::map<std::string, badge> before;
    for (auto& [id, s] : dir_.staff) {
      badge total;
      for (auto& c : convs_)
        if (c) {
          auto b = index_.contribution(s, own_.at(id), *c, dir_);
          total.unread_conversations += b.unread_conversations;
          total.unread_messages += b.unread_messages;
        }
      before[id] = total;
    }
    dir_ = std::move(next);
    for (auto& c : convs_)
      if (c) index_.place(*c, owners(*c));
    for (auto& [id, s] : dir_.staff) {
      badge total;
      for (auto& c : convs_)
        if (c) {
          auto b = index_.contribution(s, own_.at(id), *c, dir_);
          total.unread_conversations += b.unread_conversations;
          total.unread_messages += b.unread_messages;
        }
      own_.at(id).adjust_badge(before.at(id), total);
      for (auto& c : convs_)
        if (c) {
          auto v = c->view_for(id, dir_);
          v.version = ++version_;
          old_.at(id).apply(std::move(v), c->access_for(s, dir_));
        }
    }
  }

  /// Lists page by page with both models (each following its own cursor) and compares
  /// every page: refusals (code and message), rows, cursors.
  std::string compare_pages(const staff_member& s, inbox_query q, bool may_manage) {
    const auto& old = old_.at(s.id);
    const auto& own = own_.at(s.id);
    for (int page = 0; page < 100; ++page) {
      auto a = old.list(q, may_manage);
      auto b = index_.list(q, s, own, dir_, may_manage);
      list_calls_ += 2;
      auto where = [&] { return describe(q, may_manage) + " page " + std::to_string(page) + ": "; };
      if (a.ok() != b.ok())
        return where() +
               (a.ok() ? "inbox_view listed, conversation_index refused: " + b.error().message
                       : "inbox_view refused (" + a.error().message +
                             "), conversation_index listed " + describe(b->rows));
      if (!a.ok()) {
        if (a.error().code != b.error().code || a.error().message != b.error().message)
          return where() + "refusals differ: " + a.error().message + " vs " + b.error().message;
        return {};
      }
      const auto& ra = a->rows;
      const auto& rb = b->rows;
      if (ra.size() != rb.size())
        return where() + "rows differ:\n    inbox_view:         " + describe(ra) +
               "\n    conversation_index: " + describe(rb);
      for (std::size_t i = 0; i < ra.size(); ++i)
        if (auto d = row_diff(ra[i], rb[i]); !d.empty())
          return where() + "row " + std::to_string(i) + " differs: " + d +
                 "\n    inbox_view:         " + describe(ra) +
                 "\n    conversation_index: " + describe(rb);
      if (a->cursor != b->cursor)
        return where() + "cursors differ: '" + a->cursor + "' vs '" + b->cursor + "'";
      if (a->cursor.empty()) return {};
      q.cursor = a->cursor;
    }
    return describe(q, may_manage) + ": paging did not end";
  }

  /// inbox.counts against the reference model: each folder's count is the number of rows
  /// inbox_view lists over every page with the same filters (refusals alike).
  std::string compare_counts(const staff_member& s, inbox_query q, bool may_manage) {
    q.cursor.clear();
    auto counted = index_.counts(q, s, own_.at(s.id), dir_, may_manage);
    const std::pair<folder_filter, std::uint64_t folder_counts::*> folders[] = {
        {folder_filter::inbox, &folder_counts::inbox},
        {folder_filter::unread, &folder_counts::unread},
        {folder_filter::read, &folder_counts::read},
        {folder_filter::replied, &folder_counts::replied},
        {folder_filter::archived, &folder_counts::archived},
        {folder_filter::all, &folder_counts::all}};
    for (auto [f, field] : folders) {
      q.folder = f;
      q.limit = kMaxPageSize;
      q.cursor.clear();
      std::uint64_t listed = 0;
      for (int page = 0; page < 100; ++page) {
        auto a = old_.at(s.id).list(q, may_manage);
        if (!a.ok()) {
          if (counted.ok() || counted.error().code != a.error().code)
            return describe(q, may_manage) + ": inbox_view refused, counts did not alike";
          return {};
        }
        listed += a->rows.size();
        if (a->cursor.empty()) break;
        q.cursor = a->cursor;
      }
      if (!counted.ok())
        return describe(q, may_manage) + ": counts refused: " + counted.error().message;
      if (listed != (*counted).*field)
        return describe(q, may_manage) + ": listed " + std::to_string(listed) + ", counted " +
               std::to_string((*counted).*field);
    }
    return {};
  }

  /// One query, unpaged (limit 50) and, when `paged`, with limit 1..3 to the end (and its
  /// counts).
  std::string compare_query(const staff_member& s, inbox_query q, bool may_manage, bool paged) {
    q.limit = kDefaultPageSize;
    if (auto d = compare_pages(s, q, may_manage); !d.empty()) return d;
    if (paged)
      if (auto d = compare_counts(s, q, may_manage); !d.empty()) return d;
    for (std::size_t limit = 1; paged && limit <= 3; ++limit) {
      q.limit = limit;
      if (auto d = compare_pages(s, q, may_manage); !d.empty()) return d;
    }
    return {};
  }

  std::vector<inbox_query> queries(const staff_member& s) {
    std::vector<inbox_query> out;
    out.emplace_back();  // the default inbox
    for (auto f : {folder_filter::inbox, folder_filter::unread, folder_filter::read,
                   folder_filter::replied, folder_filter::archived, folder_filter::all}) {
      inbox_query q;
      q.folder = f;
      out.push_back(q);
    }
    for (std::uint8_t t :
         {std::uint8_t{type_manual}, std::uint8_t{type_campaign}, std::uint8_t{type_notification},
          std::uint8_t{type_failed}, std::uint8_t{type_campaign | type_notification}}) {
      inbox_query q;
      q.types = t;
      out.push_back(q);
    }
    for (auto d : {direction::in, direction::out}) {
      inbox_query q;
      q.last_direction = d;
      out.push_back(q);
    }
    {
      inbox_query q;
      q.from = now_ - 1000;
      out.push_back(q);
      q.to = now_ - 100;
      out.push_back(q);
    }
    {
      inbox_query q;
      q.client_type = "vip";
      out.push_back(q);
      q = {};
      q.group = "g2";
      out.push_back(q);
      q = {};
      q.location = kSouth;
      out.push_back(q);
      q = {};
      q.contact_kind = contact_filter::resources;
      out.push_back(q);
      q.contact_kind = contact_filter::clients_and_leads;
      out.push_back(q);
    }
    // Text searches (not filters: pinned and hidden conversations are found too).
    for (const char* text :
         {"zoe", "SMI", "brien", "ana sm", "k3", "user2", "u10", "(555) 7771", "nobody", "   "}) {
      inbox_query q;
      q.q = text;
      out.push_back(q);
    }
    {
      inbox_query q;
      q.q = "a";
      q.folder = folder_filter::unread;
      out.push_back(q);
      q = {};
      q.q = "555";
      q.folder = folder_filter::all;
      out.push_back(q);
    }
    // Refusals.
    {
      inbox_query q;
      q.cursor = "1.x.3";
      out.push_back(q);
      q = {};
      q.cursor = "2.0.0";
      out.push_back(q);
      q = {};
      q.from = 10;
      q.to = 5;
      out.push_back(q);
    }
    // Hand-made cursors (valid syntax, arbitrary positions; each phase on the pinned-first
    // inbox and on a filtered list).
    const std::vector<std::string> cursors{"1.0.0",
                                           "0.0.0",
                                           "0." + std::to_string(now_) + ".15",
                                           "1." + std::to_string(now_) + ".15",
                                           "1." + std::to_string(now_ - 500) + ".30",
                                           "0." + std::to_string(now_ - 500) + ".1"};
    for (std::size_t i = 0; i < cursors.size(); ++i) {
      inbox_query q;
      q.cursor = cursors[i];
      q.folder = i % 2 == 0 ? folder_filter::inbox : folder_filter::all;
      out.push_back(q);
    }
    (void)s;
    return out;
  }

  /// Assignee filters: self, every other staff member, "none", an unknown id and "" —
  /// each with and without manage_messages, alone and with a search or a folder.
  std::vector<inbox_query> assignee_queries(const staff_member& s) {
    std::vector<std::string> names{s.id, "none", kGhost, ""};
    for (auto& [id, other] : dir_.staff)
      if (id != s.id) names.push_back(id);
    std::vector<inbox_query> out;
    for (auto& n : names) {
      inbox_query q;
      q.assignee = n;
      out.push_back(q);
    }
    inbox_query q;
    q.assignee = "none";
    q.q = "ana";
    out.push_back(q);
    q = {};
    q.assignee = s.id;
    q.folder = folder_filter::unread;
    out.push_back(q);
    return out;
  }

  std::string compare_staff(const staff_member& s, int op, bool deep) {
    const auto& old = old_.at(s.id);
    const auto& own = own_.at(s.id);
    if (old.current_badge() != own.current_badge())
      return "badge differs: {" + std::to_string(old.current_badge().unread_conversations) + ", " +
             std::to_string(old.current_badge().unread_messages) + "} vs {" +
             std::to_string(own.current_badge().unread_conversations) + ", " +
             std::to_string(own.current_badge().unread_messages) + "}";
    // The badge is also what a recount from scratch says (the adjustments cannot drift
    // while agreeing with the old model by accident).
    badge recount;
    for (auto& c : convs_)
      if (c) {
        auto b = index_.contribution(s, own, *c, dir_);
        recount.unread_conversations += b.unread_conversations;
        recount.unread_messages += b.unread_messages;
      }
    if (recount != own.current_badge())
      return "badge differs from a recount: {" + std::to_string(recount.unread_conversations) +
             ", " + std::to_string(recount.unread_messages) + "}";
    std::vector<conversation_id> probe(ids_);
    probe.push_back(99);  // never created
    for (auto id : probe) {
      auto a = old.row(id);
      auto b = index_.row(s, own, id, dir_);
      if (a.has_value() != b.has_value())
        return "row(c" + std::to_string(id) + ") present in " +
               (a ? "inbox_view only" : "conversation_index only");
      if (a)
        if (auto d = row_diff(*a, *b); !d.empty())
          return "row(c" + std::to_string(id) + ") differs: " + d;
      if (old.access_to(id) != index_.access_for(s, id, dir_))
        return "access to c" + std::to_string(id) + " differs";
    }
    const bool manager = s.has(right::manage_messages);
    // Paged after every operation (at limit 1, 2 or 3): the pinned-first inbox, everything, a
    // search that finds every phone (pinned and hidden ones too), and the unassigned as a manager
    // sees them.
    std::vector<inbox_query> always(4);
    always[1].folder = folder_filter::all;
    always[2].q = "555 777";
    always[3].assignee = "none";
    for (auto& q : always) {
      q.limit = 1 + static_cast<std::size_t>(version_ % 3);  // limits 1..3 in turn
      if (auto d = compare_pages(s, q, true); !d.empty()) return d;
    }
    int n = 0;
    auto selected = [&] { return deep || (n++ + op) % kQueryStride == 0; };
    for (auto& q : queries(s))
      if (selected())
        if (auto d = compare_query(s, q, manager, deep); !d.empty()) return d;
    for (auto& q : assignee_queries(s))
      if (selected())
        for (bool may_manage : {false, true})
          if (auto d = compare_query(s, q, may_manage, deep); !d.empty()) return d;
    return {};
  }

  std::mt19937 rng_;
  directory dir_;
  std::vector<conversation_id> ids_;
  std::vector<std::unique_ptr<conversation_state>> convs_;  // stable addresses
  std::map<std::string, inbox_view> old_;                   // the reference
  std::map<std::string, staff_inbox> own_;
  conversation_index index_;
  std::uint64_t version_ = 0;
  message_id next_message_ = 1;
  millis now_ = 1'000'000;
  std::string mismatch_;
  std::size_t list_calls_ = 0;
};

TEST(SharedInbox, MatchesPerViewerCopies_RandomHistories) {
  std::size_t ops = 0;
  std::size_t calls = 0;
  int failed_seeds = 0;
  int seeds = kDefaultSeeds;
  if (const char* env = std::getenv("MSGCENTER_SHARED_INBOX_SEEDS")) seeds = std::atoi(env);
  for (std::uint32_t seed = 1; seed <= static_cast<std::uint32_t>(seeds) && failed_seeds < 3;
       ++seed) {
    twin_models m(seed);
    std::vector<std::string> history;
    for (int op = 0; op < kOpsPerSeed; ++op) {
      history.push_back(m.step());
      ++ops;
      auto d = m.compare(op, op % kDeepEvery == kDeepEvery - 1 || op == kOpsPerSeed - 1);
      if (d.empty()) continue;
      std::string recent;
      for (std::size_t i = history.size() > 12 ? history.size() - 12 : 0; i < history.size(); ++i)
        recent += "\n  op " + std::to_string(i) + ": " + history[i];
      ADD_FAILURE() << "seed " << seed << ", operation " << op << ": " << d
                    << "\nlast operations:" << recent;
      ++failed_seeds;
      break;
    }
    calls += m.list_calls();
  }
  EXPECT_EQ(failed_seeds, 0);
  RecordProperty("operations", static_cast<int>(ops));
  RecordProperty("list_calls", static_cast<int>(calls));
  std::cout << "[ differential ] " << seeds << " seeds, " << ops << " operations, " << calls
            << " list calls\n";
}

// ---- staff_inbox ------------------------------------------------------------------------------

TEST(SharedInboxStaff, RaiseAlert_SkippedWhileMuted) {
  staff_inbox own("alice");
  ASSERT_TRUE(own.set_muted(7, true));
  EXPECT_FALSE(own.raise_alert(alert_kind::message, 7, 1, 100).has_value());
  auto raised = own.raise_alert(alert_kind::message, 8, 2, 200);
  ASSERT_TRUE(raised.has_value());
  EXPECT_EQ(raised->conversation, 8u);
  ASSERT_TRUE(own.set_muted(7, false));
  EXPECT_TRUE(own.raise_alert(alert_kind::assigned, 7, 0, 300).has_value());
  ASSERT_EQ(own.alerts(10).size(), 2u);
  EXPECT_EQ(own.alerts(10)[0].conversation, 7u);  // newest first
  EXPECT_EQ(own.alerts(10)[1].conversation, 8u);
}

TEST(SharedInboxStaff, Alerts_KeptAtMostMaxAlertsKept_OldestDropped) {
  staff_inbox own("alice");
  const std::size_t extra = 5;
  for (std::size_t i = 0; i < kMaxAlertsKept + extra; ++i)
    ASSERT_TRUE(own.raise_alert(alert_kind::message, 1, i + 1, static_cast<millis>(i)).has_value());
  auto all = own.alerts(kMaxAlertsKept + extra);  // newest first
  ASSERT_EQ(all.size(), kMaxAlertsKept);
  EXPECT_EQ(all.back().id, extra + 1);
  EXPECT_EQ(all.front().id, kMaxAlertsKept + extra);
  for (std::size_t k = 1; k < all.size(); ++k) ASSERT_EQ(all[k].id + 1, all[k - 1].id);
  auto newest = own.alerts(2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].id, kMaxAlertsKept + extra);
  EXPECT_EQ(newest[1].id, kMaxAlertsKept + extra - 1);
}

TEST(SharedInboxStaff, AckAlert_FindsAnyAlertOfAWrappedRing) {
  staff_inbox own("alice");
  for (std::size_t i = 0; i < kMaxAlertsKept + kMaxAlertsKept / 3; ++i)
    (void)own.raise_alert(alert_kind::message, 1, i + 1, 0);
  auto all = own.alerts(kMaxAlertsKept);
  for (auto k : {std::size_t{0}, std::size_t{1}, kMaxAlertsKept / 2, kMaxAlertsKept - 1}) {
    ASSERT_TRUE(own.ack_alert(all[k].id).ok()) << k;
    EXPECT_TRUE(own.alerts(kMaxAlertsKept)[k].acked) << k;
  }
  EXPECT_FALSE(own.alerts(kMaxAlertsKept)[2].acked);
}

TEST(SharedInboxStaff, AckAlert_UnknownOrDroppedIsNotFound) {
  staff_inbox own("alice");
  auto a = own.raise_alert(alert_kind::message, 1, 1, 10);
  ASSERT_TRUE(a.has_value());
  auto unknown = own.ack_alert(a->id + 100);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, errc::not_found);
  EXPECT_TRUE(own.ack_alert(a->id).ok());
  EXPECT_TRUE(own.alerts(1).front().acked);

  for (std::size_t i = 0; i < kMaxAlertsKept; ++i)
    (void)own.raise_alert(alert_kind::message, 1, 2, 20);
  auto dropped = own.ack_alert(a->id);  // pushed out by newer alerts
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.error().code, errc::not_found);
}

TEST(SharedInboxStaff, AdjustBadge_MovesOneContribution) {
  staff_inbox own("alice");
  own.adjust_badge({}, badge{1, 3});
  own.adjust_badge({}, badge{1, 1});
  own.adjust_badge(badge{1, 3}, badge{1, 5});
  EXPECT_EQ(own.current_badge(), (badge{2, 6}));
  own.adjust_badge(badge{1, 5}, {});
  EXPECT_EQ(own.current_badge(), (badge{1, 1}));
}

// ---- conversation_index -----------------------------------------------------------------------

/// Conversations owned by unique_ptrs (the index keeps their addresses).
struct index_world {
  explicit index_world(directory d) : dir(std::move(d)) {}

  conversation_state& add(conversation_id id, millis at, const std::string& number = kNorthNumber) {
    const auto* n = dir.find_number(number);
    convs.push_back(std::make_unique<conversation_state>(
        id, number, "+1555888" + std::to_string(1000 + id), n->location, 0));
    auto& c = *convs.back();
    c.append(inbound(next_id++, at), dir);
    place(c);
    return c;
  }
  void place(const conversation_state& c) {
    index.place(c, owners_of(c.assignee(), c.contact() ? &*c.contact() : nullptr, dir.settings));
  }
  std::vector<conversation_id> list_ids(const std::string& staff, inbox_query q = {},
                                        bool may_manage = false) {
    auto r = index.list(q, dir.staff.at(staff), inbox(staff), dir, may_manage);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? ids_of(*r) : std::vector<conversation_id>{};
  }
  staff_inbox& inbox(const std::string& staff) {
    return own.try_emplace(staff, staff).first->second;
  }

  directory dir;
  std::vector<std::unique_ptr<conversation_state>> convs;
  std::map<std::string, staff_inbox> own;
  conversation_index index;
  message_id next_id = 1;
};

TEST(SharedInboxIndex, ListsNewestFirst_TiesByIdDescending_EveryPage) {
  index_world w(make_directory({make_staff("alice")}));
  // 20,000 conversations in 500 distinct activity times: many ties, ids not in time order.
  constexpr conversation_id n = 20000;
  std::vector<std::pair<millis, conversation_id>> expected;
  for (conversation_id i = 1; i <= n; ++i) {
    conversation_id id = (i * 7919) % n + 1;  // a permutation of 1..n
    millis at = static_cast<millis>((i * 31) % 500) * 10;
    w.add(id, at);
    expected.emplace_back(at, id);
  }
  std::sort(expected.begin(), expected.end(), [](auto& a, auto& b) {
    return a.first != b.first ? a.first > b.first : a.second > b.second;
  });
  ASSERT_EQ(w.index.size(), n);

  inbox_query q;
  q.limit = 50;
  auto first = w.list_ids("alice", q);
  ASSERT_EQ(first.size(), 50u);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i], expected[i].second) << i;

  // Every page with the largest limit: the whole order, each conversation once.
  q.limit = kMaxPageSize;
  std::vector<conversation_id> all;
  for (int guard = 0; guard < 1000; ++guard) {
    auto r = w.index.list(q, w.dir.staff.at("alice"), w.inbox("alice"), w.dir, false);
    ASSERT_TRUE(r.ok());
    for (auto& row : r->rows) all.push_back(row.view.id);
    if (r->cursor.empty()) break;
    q.cursor = r->cursor;
  }
  ASSERT_EQ(all.size(), n);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], expected[i].second) << i;
}

TEST(SharedInboxIndex, PinnedFirstOnlyInUnfilteredInbox) {
  index_world w(make_directory({make_staff("alice")}));
  for (conversation_id id = 1; id <= 5; ++id) w.add(id, static_cast<millis>(id) * 100);
  w.inbox("alice").set_pinned(2, true);
  w.inbox("alice").set_pinned(4, true);
  EXPECT_EQ(w.list_ids("alice"), (ids{4, 2, 5, 3, 1}));
  inbox_query unread;
  unread.folder = folder_filter::unread;
  EXPECT_EQ(w.list_ids("alice", unread), (ids{5, 3, 1}));  // filtered: pinned left out
  inbox_query search;
  search.q = "555 888";  // a search is not a filter: pinned still first
  EXPECT_EQ(w.list_ids("alice", search), (ids{4, 2, 5, 3, 1}));
  search.folder = folder_filter::unread;  // with a filter, a search finds them in place
  EXPECT_EQ(w.list_ids("alice", search), (ids{5, 4, 3, 2, 1}));
}

TEST(SharedInboxIndex, AssignedVisibility_ListsOnlyOwnedConversations) {
  auto dir = make_directory({make_staff("alice"), make_staff("bob"), make_staff("carol", kManage),
                             make_staff("dave", kView, {}, true)});
  dir.settings.visibility = visibility_mode::assigned;
  index_world w(std::move(dir));
  auto& c1 = w.add(1, 100);
  auto& c2 = w.add(2, 200);
  auto& c3 = w.add(3, 300);
  w.add(4, 400);  // unassigned, no contact: nobody's
  c1.set_assignee("alice");
  w.place(c1);
  c2.set_assignee("bob");
  w.place(c2);
  auto card = make_card("k1", "Ana", "Smith");
  card.sales_owner = "alice";
  c3.link(card);
  w.place(c3);

  EXPECT_EQ(w.list_ids("alice"), (ids{3, 1}));  // assigned, and sales owner of the contact
  EXPECT_EQ(w.list_ids("bob"), ids{2});
  EXPECT_EQ(w.list_ids("carol"), ids{});  // a manager sees only what they own...
  inbox_query q;
  q.assignee = "alice";
  EXPECT_EQ(w.list_ids("carol", q, true), ids{1});  // ...but may list anyone's by assignee
  q.assignee = "none";
  EXPECT_EQ(w.list_ids("carol", q, true), (ids{4, 3}));
  EXPECT_EQ(w.list_ids("dave"), (ids{4, 3, 2, 1}));  // subscribe_all

  // Reassigning moves the conversation between owned lists.
  c1.set_assignee("bob");
  w.place(c1);
  EXPECT_EQ(w.list_ids("alice"), ids{3});
  EXPECT_EQ(w.list_ids("bob"), (ids{2, 1}));
  // New activity re-sorts within an owned list.
  c1.append(inbound(w.next_id++, 500), w.dir);
  w.place(c1);
  EXPECT_EQ(w.list_ids("bob"), (ids{1, 2}));
}

TEST(SharedInboxIndex, EmptyAssigneeFilter_MatchesUnassignedLikeInboxView) {
  // inbox_view compares the filter with the assignee as given, so "" selects the unassigned
  // conversations (as "none" does); the index must not look "" up as an owner.
  auto dir = make_directory({make_staff("alice", kManage)});
  index_world w(std::move(dir));
  auto& c1 = w.add(1, 100);
  w.add(2, 200);
  c1.set_assignee("alice");
  w.place(c1);
  inbox_query q;
  q.assignee = "";
  EXPECT_EQ(w.list_ids("alice", q, true), ids{2});
  auto refused = w.index.list(q, w.dir.staff.at("alice"), w.inbox("alice"), w.dir, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, errc::permission_denied);
}

}  // namespace
}  // namespace msgcenter
