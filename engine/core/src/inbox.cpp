#include "msgcenter/core/inbox.hpp"

#include <algorithm>

#include "listing_cursor.hpp"
#include "msgcenter/core/search.hpp"
#include "msgcenter/core/text.hpp"

namespace msgcenter {
using listing::cursor_pos;
using listing::encode_cursor;
using listing::folder_matches;

bool inbox_query::filtered() const noexcept {
  return folder != folder_filter::inbox || types != 0 || from || to || client_type || group ||
         location || contact_kind || assignee || last_direction;
}

inbox_view::inbox_view(std::string staff_id) : staff_id_(std::move(staff_id)) {}

badge inbox_view::contribution(const entry& e) const {
  const auto& v = e.view;
  if (e.acc != access::visible || v.archived || v.hidden || !v.unread() || muted(v.id)) return {};
  return badge{1, v.unread_count()};
}

void inbox_view::add_to_badge(const badge& b) {
  badge_.unread_conversations += b.unread_conversations;
  badge_.unread_messages += b.unread_messages;
}

void inbox_view::remove_from_badge(const badge& b) {
  badge_.unread_conversations -= b.unread_conversations;
  badge_.unread_messages -= b.unread_messages;
}

namespace {
// True when anything shown in a row differs (compared in place: no copies on the hot path).
bool row_differs(const conversation_view& a, const conversation_view& b) {
  if (a.current_folder() != b.current_folder() || a.unread_count() != b.unread_count() ||
      a.last_activity != b.last_activity || a.archived != b.archived || a.hidden != b.hidden ||
      a.message_count != b.message_count || a.last_direction != b.last_direction ||
      a.has_messages != b.has_messages || a.preview != b.preview || a.assignee != b.assignee ||
      a.contact.has_value() != b.contact.has_value())
    return true;
  return a.contact && (a.contact->id != b.contact->id || a.contact->kind != b.contact->kind ||
                       a.contact->first_name != b.contact->first_name ||
                       a.contact->last_name != b.contact->last_name);
}
}  // namespace

bool inbox_view::apply(conversation_view v, access acc) {
  auto it = entries_.find(v.id);
  if (it == entries_.end()) {
    if (acc == access::none) {
      // Remember the version, so an older "visible" view arriving late cannot revive it.
      entries_.emplace(v.id, entry{std::move(v), acc});
      return false;
    }
    order_.insert({v.last_activity, v.id});
    if (pinned(v.id)) pinned_order_.insert({v.last_activity, v.id});
    auto id = v.id;
    auto& e = entries_.emplace(id, entry{std::move(v), acc}).first->second;
    add_to_badge(contribution(e));
    return true;
  }
  auto& e = it->second;
  if (v.version != 0 && v.version < e.view.version) return false;  // stale
  remove_from_badge(contribution(e));
  order_key old_key{e.view.last_activity, v.id};
  bool was_reachable = e.acc != access::none;
  bool reachable = acc != access::none;
  if (was_reachable && (!reachable || e.view.last_activity != v.last_activity)) {
    order_.erase(old_key);
    pinned_order_.erase(old_key);
  }
  if (reachable && (!was_reachable || e.view.last_activity != v.last_activity)) {
    order_.insert({v.last_activity, v.id});
    if (pinned(v.id)) pinned_order_.insert({v.last_activity, v.id});
  }
  bool changed =
      was_reachable != reachable || (reachable && (e.acc != acc || row_differs(e.view, v)));
  e.view = std::move(v);
  e.acc = acc;
  add_to_badge(contribution(e));
  return changed;
}

bool inbox_view::set_pinned(conversation_id id, bool on) {
  bool changed = on ? pins_.insert(id).second : pins_.erase(id) > 0;
  if (!changed) return false;
  if (auto it = entries_.find(id); it != entries_.end() && it->second.acc != access::none) {
    order_key key{it->second.view.last_activity, id};
    if (on)
      pinned_order_.insert(key);
    else
      pinned_order_.erase(key);
  }
  return true;
}

bool inbox_view::set_muted(conversation_id id, bool on) {
  auto it = entries_.find(id);
  if (it != entries_.end()) remove_from_badge(contribution(it->second));
  bool changed = on ? mutes_.insert(id).second : mutes_.erase(id) > 0;
  if (it != entries_.end()) add_to_badge(contribution(it->second));
  return changed;
}

access inbox_view::access_to(conversation_id id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? access::none : it->second.acc;
}

inbox_row inbox_view::make_row(const entry& e) const {
  inbox_row r;
  r.view = e.view;
  r.current_folder = e.view.current_folder();
  r.unread_count = e.view.unread_count();
  r.pinned = pinned(e.view.id);
  r.muted = muted(e.view.id);
  return r;
}

std::optional<inbox_row> inbox_view::row(conversation_id id) const {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.acc == access::none) return std::nullopt;
  return make_row(it->second);
}

result<inbox_page> inbox_view::list(const inbox_query& q, bool may_manage) const {
  auto planned = listing::plan_listing(q, staff_id_, may_manage);
  if (!planned) return planned.error();
  const auto& plan = planned.value();
  const bool has_cursor = plan.has_cursor;
  const auto& start = plan.start;
  const auto& search = plan.search;
  const bool searching = plan.searching;
  const bool pinned_first = plan.pinned_first;
  const bool include_pinned = plan.include_pinned;
  const access min_access = plan.min_access;

  auto matches = [&](const entry& e) {
    const auto& v = e.view;
    if (e.acc < min_access || !v.has_messages) return false;
    if (v.hidden && !searching) return false;
    if (!folder_matches(q.folder, v.current_folder())) return false;
    if (q.types && (v.types & q.types) == 0) return false;
    if (q.from && v.last_activity < *q.from) return false;
    if (q.to && v.last_activity > *q.to) return false;
    const contact_card* c = v.contact ? &*v.contact : nullptr;
    if (q.client_type && (!c || c->client_type != *q.client_type)) return false;
    if (q.group &&
        (!c || std::find(c->groups.begin(), c->groups.end(), *q.group) == c->groups.end()))
      return false;
    if (q.location && (!c || c->home_location != *q.location)) return false;
    if (q.contact_kind) {
      if (!c) return false;
      bool resource = c->kind == contact_kind::resource;
      if (resource != (*q.contact_kind == contact_filter::resources)) return false;
    }
    if (q.assignee) {
      if (*q.assignee == "none" ? !v.assignee.empty() : v.assignee != *q.assignee) return false;
    }
    if (q.last_direction && v.last_direction != *q.last_direction) return false;
    if (searching && !search.matches(v)) return false;
    return true;
  };

  inbox_page page;
  std::optional<cursor_pos> last;
  bool more = false;
  auto scan = [&](const std::set<order_key>& index, int phase, bool skip_pinned) {
    auto it = index.begin();
    if (has_cursor && start.phase == phase) it = index.upper_bound({start.activity, start.id});
    for (; it != index.end(); ++it) {
      const auto& e = entries_.at(it->id);
      if (skip_pinned && pinned(it->id)) continue;
      if (!matches(e)) continue;
      if (page.rows.size() == q.limit) {
        more = true;
        return;
      }
      page.rows.push_back(make_row(e));
      last = cursor_pos{phase, it->activity, it->id};
    }
  };
  if (pinned_first && (!has_cursor || start.phase == 0)) scan(pinned_order_, 0, false);
  if (!more) scan(order_, 1, pinned_first || !include_pinned);
  if (more && last) page.cursor = encode_cursor(*last);
  return page;
}

std::optional<alert> inbox_view::raise_alert(alert_kind kind, conversation_id conversation,
                                             message_id message, millis at) {
  if (muted(conversation)) return std::nullopt;
  alert a{next_alert_++, kind, conversation, message, at, false};
  alerts_.push_back(a);
  if (alerts_.size() > kMaxAlertsKept) alerts_.pop_front();
  return a;
}

std::vector<alert> inbox_view::alerts(std::size_t limit) const {
  std::vector<alert> out;
  for (auto it = alerts_.rbegin(); it != alerts_.rend() && out.size() < limit; ++it)
    out.push_back(*it);
  return out;
}

status inbox_view::ack_alert(alert_id id) {
  auto it = std::lower_bound(alerts_.begin(), alerts_.end(), id,
                             [](const alert& a, alert_id v) { return a.id < v; });
  if (it == alerts_.end() || it->id != id) return make_error(errc::not_found, "no such alert");
  it->acked = true;
  return unit{};
}

std::vector<conversation_id> inbox_view::pins() const {
  std::vector<conversation_id> out(pins_.begin(), pins_.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<conversation_id> inbox_view::mutes() const {
  std::vector<conversation_id> out(mutes_.begin(), mutes_.end());
  std::sort(out.begin(), out.end());
  return out;
}

void inbox_view::restore_alert(const alert& a) {
  alerts_.push_back(a);
  if (alerts_.size() > kMaxAlertsKept) alerts_.pop_front();
  next_alert_ = std::max(next_alert_, a.id + 1);
}

}  // namespace msgcenter
