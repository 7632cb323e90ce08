#include "msgcenter/core/shared_inbox.hpp"

#include <algorithm>

#include "listing_cursor.hpp"
#include "msgcenter/core/search.hpp"
#include "msgcenter/core/text.hpp"

namespace msgcenter {
using listing::cursor_pos;
using listing::encode_cursor;
using listing::folder_matches;

// ---- staff_inbox --------------------------------------------------------------------------

bool staff_inbox::set_pinned(conversation_id id, bool on) {
  return on ? pins_.insert(id).second : pins_.erase(id) > 0;
}

bool staff_inbox::set_muted(conversation_id id, bool on) {
  return on ? mutes_.insert(id).second : mutes_.erase(id) > 0;
}

void staff_inbox::adjust_badge(const badge& before, const badge& after) noexcept {
  badge_.unread_conversations += after.unread_conversations - before.unread_conversations;
  badge_.unread_messages += after.unread_messages - before.unread_messages;
}

staff_inbox::slot staff_inbox::pack(const alert& a) noexcept {
  const std::uint64_t flags = static_cast<std::uint64_t>(a.kind) << 1 | (a.acked ? 1 : 0);
  return slot{(a.id & ((std::uint64_t{1} << kFlagShift) - 1)) | flags << kFlagShift, a.conversation,
              a.message, a.at};
}

alert staff_inbox::unpack(const slot& s) noexcept {
  const auto flags = s.id_and_flags >> kFlagShift;
  alert a;
  a.id = s.id_and_flags & ((std::uint64_t{1} << kFlagShift) - 1);
  a.kind = static_cast<alert_kind>(flags >> 1);
  a.acked = (flags & 1) != 0;
  a.conversation = s.conversation;
  a.message = s.message;
  a.at = s.at;
  return a;
}

void staff_inbox::push(const alert& a) {
  if (ring_.size() < kMaxAlertsKept) {
    ring_.push_back(pack(a));
    return;
  }
  ring_[head_] = pack(a);  // drops the oldest
  if (++head_ == ring_.size()) head_ = 0;
}

std::optional<alert> staff_inbox::raise_alert(alert_kind kind, conversation_id conversation,
                                              message_id message, millis at) {
  if (!mutes_.empty() && muted(conversation)) return std::nullopt;
  alert a{next_alert_++, kind, conversation, message, at, false};
  push(a);
  return a;
}

std::vector<alert> staff_inbox::alerts(std::size_t limit) const {
  std::vector<alert> out;
  const auto n = ring_.size();
  out.reserve(std::min(limit, n));
  for (std::size_t k = 0; k < n && out.size() < limit; ++k) out.push_back(unpack(at(n - 1 - k)));
  return out;
}

status staff_inbox::ack_alert(alert_id id) {
  // Ids increase from the oldest to the newest: binary search in ring order.
  std::size_t lo = 0, hi = ring_.size();
  while (lo < hi) {
    auto mid = lo + (hi - lo) / 2;
    if (unpack(at(mid)).id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == ring_.size() || unpack(at(lo)).id != id)
    return make_error(errc::not_found, "no such alert");
  auto a = unpack(at(lo));
  a.acked = true;
  at(lo) = pack(a);
  return unit{};
}

void staff_inbox::restore_alert(const alert& a) {
  push(a);
  next_alert_ = std::max(next_alert_, a.id + 1);
}

std::vector<conversation_id> staff_inbox::pins() const {
  std::vector<conversation_id> out(pins_.begin(), pins_.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<conversation_id> staff_inbox::mutes() const {
  std::vector<conversation_id> out(mutes_.begin(), mutes_.end());
  std::sort(out.begin(), out.end());
  return out;
}

// ---- conversation_index -------------------------------------------------------------------

void conversation_index::place(const conversation_state& c, std::vector<std::string> owners) {
  auto [it, fresh] = entries_.try_emplace(c.id());
  auto& e = it->second;
  const order_key now{c.last_activity(), c.id()};
  if (!fresh) {
    const order_key was{e.activity, c.id()};
    // Moving to the top reuses the map node (no allocation per message).
    auto move = [&](order& list) {
      auto node = list.extract(was);
      if (node.empty()) {
        list.emplace(now, &c);
        return;
      }
      node.key() = now;
      list.insert(std::move(node));
    };
    if (e.activity != c.last_activity()) move(all_);
    if (e.owners != owners) {
      for (auto& o : e.owners) {
        auto list = owned_.find(o);
        if (list == owned_.end()) continue;
        list->second.erase(was);
        if (list->second.empty()) owned_.erase(list);
      }
      for (auto& o : owners) owned_[o].emplace(now, &c);
    } else if (e.activity != c.last_activity()) {
      for (auto& o : owners) move(owned_[o]);
    }
  } else {
    all_.emplace(now, &c);
    for (auto& o : owners) owned_[o].emplace(now, &c);
  }
  e.conv = &c;
  e.activity = c.last_activity();
  e.owners = std::move(owners);
}

const std::vector<std::string>* conversation_index::owners(conversation_id id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second.owners;
}

const conversation_state* conversation_index::find(conversation_id id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.conv;
}

access conversation_index::access_for(const staff_member& viewer, conversation_id id,
                                      const directory& dir) const {
  auto it = entries_.find(id);
  if (it == entries_.end()) return access::none;
  return access_of(viewer, it->second.conv->location(), it->second.owners, dir.settings);
}

badge badge_contribution(access acc, const conversation_state& c, const read_point& p,
                         bool muted) noexcept {
  if (acc != access::visible || muted || c.archived() || c.hidden()) return {};
  if (c.folder_for(p) != folder::unread) return {};
  return badge{1, c.unread_for(p)};
}

badge conversation_index::contribution(const staff_member& viewer, const staff_inbox& own,
                                       const conversation_state& c, const directory& dir) const {
  return badge_contribution(access_for(viewer, c.id(), dir), c, c.read_point_for(viewer.id, dir),
                            own.muted(c.id()));
}

inbox_row conversation_index::make_row(const staff_member& viewer, const staff_inbox& own,
                                       const conversation_state& c, const directory& dir) const {
  inbox_row r;
  r.view = c.view_for(viewer.id, dir);
  r.current_folder = r.view.current_folder();
  r.unread_count = r.view.unread_count();
  r.pinned = own.pinned(c.id());
  r.muted = own.muted(c.id());
  return r;
}

std::optional<inbox_row> conversation_index::row(const staff_member& viewer, const staff_inbox& own,
                                                 conversation_id id, const directory& dir) const {
  if (access_for(viewer, id, dir) == access::none) return std::nullopt;
  return make_row(viewer, own, *entries_.at(id).conv, dir);
}

namespace {

/// Every filter of `q` but the folder, for `viewer` (the folder needs the read point, which
/// list() and counts() use differently). Cheapest tests first: a filter matching little
/// scans the whole list.
bool passes_filters(const inbox_query& q, bool searching, const search_query& search,
                    access min_access, const conversation_state& c,
                    const std::vector<std::string>& owners, const staff_member& viewer,
                    const directory& dir) {
  if (!c.has_messages()) return false;
  if (c.hidden() && !searching) return false;
  if (q.types && (c.types() & q.types) == 0) return false;
  if (q.from && c.last_activity() < *q.from) return false;
  if (q.to && c.last_activity() > *q.to) return false;
  if (q.last_direction && c.last_direction() != *q.last_direction) return false;
  if (access_of(viewer, c.location(), owners, dir.settings) < min_access) return false;
  const contact_card* card = c.contact() ? &*c.contact() : nullptr;
  if (q.client_type && (!card || card->client_type != *q.client_type)) return false;
  if (q.group && (!card || std::find(card->groups.begin(), card->groups.end(), *q.group) ==
                               card->groups.end()))
    return false;
  if (q.location && (!card || card->home_location != *q.location)) return false;
  if (q.contact_kind) {
    if (!card) return false;
    bool resource = card->kind == contact_kind::resource;
    if (resource != (*q.contact_kind == contact_filter::resources)) return false;
  }
  if (q.assignee) {
    if (*q.assignee == "none" ? !c.assignee().empty() : c.assignee() != *q.assignee) return false;
  }
  if (searching && !search.matches(c.view_for(viewer.id, dir))) return false;
  return true;
}

}  // namespace

// Where the matches can be: everything, or (under `assigned` visibility, and for an
// assignee filter) only what one staff member owns; the assignee is always an owner.
// An empty `assignee` names nobody: like "none" it matches the unassigned conversations
// (inbox_view compares it with the assignee as given), which no owned list holds.
const conversation_index::order& conversation_index::source_for(const inbox_query& q,
                                                                const staff_member& viewer,
                                                                const directory& dir,
                                                                bool foreign_assignee) const {
  static const order empty;
  auto owned_by = [&](const std::string& id) -> const order& {
    auto it = owned_.find(id);
    return it == owned_.end() ? empty : it->second;
  };
  if (q.assignee && !q.assignee->empty() && *q.assignee != "none") return owned_by(*q.assignee);
  if (!foreign_assignee && dir.settings.visibility == visibility_mode::assigned &&
      !viewer.subscribe_all)
    return owned_by(viewer.id);
  return all_;
}

result<folder_counts> conversation_index::counts(const inbox_query& query,
                                                 const staff_member& viewer, const staff_inbox& own,
                                                 const directory& dir, bool may_manage) const {
  inbox_query q = query;
  q.folder = folder_filter::inbox;
  q.limit = kDefaultPageSize;
  q.cursor.clear();
  auto planned = listing::plan_listing(q, viewer.id, may_manage);
  if (!planned) return planned.error();
  const auto& plan = planned.value();
  // Pinned rows: the unfiltered inbox lists them (first); every other folder, and the inbox
  // under a filter, only when searching (list() and plan_listing decide the same).
  const bool inbox_pins = plan.include_pinned;
  const bool other_pins = plan.searching;
  folder_counts out;
  auto count = [&](const conversation_state& c, const std::vector<std::string>& owners) {
    if (!passes_filters(q, plan.searching, plan.search, plan.min_access, c, owners, viewer, dir))
      return;
    const folder f = c.folder_for(c.read_point_for(viewer.id, dir));
    const bool pinned = own.pinned(c.id());
    if (f != folder::archived && (!pinned || inbox_pins)) ++out.inbox;
    if (pinned && !other_pins) return;
    ++out.all;
    switch (f) {
      case folder::unread:
        ++out.unread;
        break;
      case folder::read:
        ++out.read;
        break;
      case folder::replied:
        ++out.replied;
        break;
      case folder::archived:
        ++out.archived;
        break;
    }
  };
  // Order does not matter for a count: walking the flat table is a third of the cost of
  // walking the ordered map (no tree nodes, owners inline).
  const order& source = source_for(q, viewer, dir, plan.foreign_assignee);
  if (&source == &all_)
    for (const auto& [id, e] : entries_) count(*e.conv, e.owners);
  else
    for (const auto& [key, conv] : source) count(*conv, *owners(conv->id()));
  return out;
}

result<inbox_page> conversation_index::list(const inbox_query& q, const staff_member& viewer,
                                            const staff_inbox& own, const directory& dir,
                                            bool may_manage) const {
  auto planned = listing::plan_listing(q, viewer.id, may_manage);
  if (!planned) return planned.error();
  const auto& plan = planned.value();
  const bool has_cursor = plan.has_cursor;
  const auto& start = plan.start;
  const bool pinned_first = plan.pinned_first;
  const bool include_pinned = plan.include_pinned;
  const order* source = &source_for(q, viewer, dir, plan.foreign_assignee);

  auto matches = [&](const conversation_state& c, const std::vector<std::string>& owners) {
    // The archived folder depends on the conversation alone (no read point needed).
    if (c.archived() != (q.folder == folder_filter::archived) && q.folder != folder_filter::all &&
        (q.folder != folder_filter::inbox || c.archived()))
      return false;
    if (!passes_filters(q, plan.searching, plan.search, plan.min_access, c, owners, viewer, dir))
      return false;
    return folder_matches(q.folder, c.folder_for(c.read_point_for(viewer.id, dir)));
  };

  inbox_page page;
  std::optional<cursor_pos> last;
  bool more = false;
  // Returns false once the page is full and one more match proved there is a next page.
  auto take = [&](const conversation_state& c, int phase) {
    const auto* owners = this->owners(c.id());
    if (!matches(c, *owners)) return true;
    if (page.rows.size() == q.limit) {
      more = true;
      return false;
    }
    page.rows.push_back(make_row(viewer, own, c, dir));
    last = cursor_pos{phase, c.last_activity(), c.id()};
    return true;
  };
  if (pinned_first && (!has_cursor || start.phase == 0)) {
    std::vector<order_key> pinned;
    pinned.reserve(own.pin_set().size());
    for (auto id : own.pin_set())
      if (auto it = entries_.find(id); it != entries_.end())
        pinned.push_back({it->second.activity, id});
    std::sort(pinned.begin(), pinned.end());
    auto it = pinned.begin();
    if (has_cursor)
      it = std::upper_bound(pinned.begin(), pinned.end(), order_key{start.activity, start.id});
    for (; it != pinned.end(); ++it)
      if (!take(*entries_.at(it->id).conv, 0)) break;
  }
  if (!more) {
    const bool skip_pinned = pinned_first || !include_pinned;
    auto it = source->begin();
    if (has_cursor && start.phase == 1) it = source->upper_bound({start.activity, start.id});
    for (; it != source->end(); ++it) {
      if (skip_pinned && own.pinned(it->first.id)) continue;
      if (!take(*it->second, 1)) break;
    }
  }
  if (more && last) page.cursor = encode_cursor(*last);
  return page;
}

}  // namespace msgcenter
