#include "baseline_inmemory.hpp"

#include <algorithm>

#include "msgcenter/core/phone.hpp"

namespace msgcenter::bench {

baseline_inbox_store::baseline_inbox_store(std::size_t staff, read_status_mode mode, bool normalize)
    : staff_(staff), mode_(mode), normalize_(normalize) {}

void baseline_inbox_store::add_number(const std::string& number) {
  auto e164 = number;
  if (normalize_) {
    auto n = normalize_phone(number, "US");
    if (!n) return;
    e164 = n.value();
  }
  if (number_index_.count(e164)) return;
  number_index_.emplace(e164, static_cast<std::uint32_t>(numbers_.size()));
  numbers_.push_back(e164);
}

void baseline_inbox_store::set_subscribe_all(std::size_t s, bool on) {
  staff_[s].subscribe_all = on;
}

std::uint64_t baseline_inbox_store::unread_of(std::size_t s, std::uint32_t c) const {
  const auto& cv = convs_[c];
  auto seen = mode_ == read_status_mode::shared ? cv.shared_seen : at(c, s).seen;
  return cv.inbound_count - std::min(seen, cv.inbound_count);
}

bool baseline_inbox_store::counts_in_badge(std::size_t s, std::uint32_t c) const {
  const auto& cv = convs_[c];
  const auto f = at(c, s).flags;
  return (f & 1) && !(f & 2) && !cv.archived && !cv.hidden;
}

void baseline_inbox_store::assign(std::uint32_t c, std::size_t s) {
  if (c < convs_.size()) convs_[c].assignee = static_cast<int>(s);
}

void baseline_inbox_store::mute(std::size_t s, std::uint32_t c) {
  if (c >= convs_.size()) return;
  auto& n = at(c, s);
  if (n.flags & 2) return;
  if (counts_in_badge(s, c)) {
    auto u = unread_of(s, c);
    if (u > 0) {
      staff_[s].badge_value.unread_conversations -= 1;
      staff_[s].badge_value.unread_messages -= u;
    }
  }
  n.flags |= 2;
}

void baseline_inbox_store::unlink(std::size_t s, std::uint32_t c) {
  auto& n = at(c, s);
  if (n.prev != nil)
    at(n.prev, s).next = n.next;
  else
    staff_[s].head = n.next;
  if (n.next != nil) at(n.next, s).prev = n.prev;
  n.prev = n.next = nil;
}

// Inserts `c` in (last_activity, id) descending order, walking from the front: O(1) when the
// conversation just received the newest message, which is the case in a burst.
void baseline_inbox_store::link_in_order(std::size_t s, std::uint32_t c) {
  const auto key_a = convs_[c].last_activity;
  auto before = [&](std::uint32_t x) {  // x sorts before c
    auto a = convs_[x].last_activity;
    return a != key_a ? a > key_a : x > c;
  };
  auto& st = staff_[s];
  std::uint32_t prev = nil;
  std::uint32_t cur = st.head;
  while (cur != nil && before(cur)) {
    prev = cur;
    cur = at(cur, s).next;
  }
  auto& n = at(c, s);
  n.prev = prev;
  n.next = cur;
  if (prev != nil)
    at(prev, s).next = c;
  else
    st.head = c;
  if (cur != nil) at(cur, s).prev = c;
}

std::int64_t baseline_inbox_store::ingest(const inbound_request& r, millis when) {
  std::string to = r.to;
  std::string from = r.from;
  if (normalize_) {
    auto t = normalize_phone(r.to, "US");
    auto f = normalize_phone(r.from, "US");
    if (!t || !f) return -1;
    to = std::move(t.value());
    from = std::move(f.value());
  }
  auto num = number_index_.find(to);
  if (num == number_index_.end()) return -1;
  if (!r.provider_id.empty() && providers_.count(r.provider_id)) return -1;

  std::string key;
  key.reserve(from.size() + 4);
  key.append(reinterpret_cast<const char*>(&num->second), sizeof(num->second));
  key.append(from);
  auto [ci, fresh] =
      conv_index_.try_emplace(std::move(key), static_cast<std::uint32_t>(convs_.size()));
  const std::uint32_t c = ci->second;
  const std::size_t staff = staff_.size();
  if (fresh) {
    convs_.emplace_back();
    convs_.back().number = num->second;
    convs_.back().phone = from;
    nodes_.resize(nodes_.size() + staff);
  }
  auto& cv = convs_[c];

  // Badge contributions before the change, per staff member.
  thread_local std::vector<std::uint64_t> before;
  before.assign(staff, 0);
  for (std::size_t s = 0; s < staff; ++s)
    if (!fresh && counts_in_badge(s, c)) before[s] = unread_of(s, c);

  message m;
  m.id = next_message_++;
  m.conversation = c;
  m.dir = direction::in;
  m.body = r.body;
  m.media = r.media;
  m.provider_id = r.provider_id;
  m.at = std::max(when, cv.last_activity);
  if (!m.provider_id.empty()) providers_.emplace(m.provider_id, std::make_pair(c, m.id));
  cv.last_activity = m.at;
  cv.inbound_count += 1;
  cv.message_count += 1;
  cv.archived = false;
  cv.hidden = false;
  cv.preview.assign(m.body, 0, std::min<std::size_t>(m.body.size(), 100));
  const auto mid = m.id;
  const auto mat = m.at;
  cv.messages.push_back(std::move(m));

  const bool owned = cv.assignee >= 0;
  for (std::size_t s = 0; s < staff; ++s) {
    auto& st = staff_[s];
    if (at(c, s).flags & 1) unlink(s, c);
    at(c, s).flags |= 1;
    link_in_order(s, c);
    if (counts_in_badge(s, c)) {
      auto after = unread_of(s, c);
      if (before[s] == 0 && after > 0) st.badge_value.unread_conversations += 1;
      if (before[s] > 0 && after == 0) st.badge_value.unread_conversations -= 1;
      st.badge_value.unread_messages += after - before[s];
    }
    bool alerted = owned ? cv.assignee == static_cast<int>(s) : true;
    alerted = (alerted || st.subscribe_all) && !(at(c, s).flags & 2);
    if (alerted) {
      st.alerts.push_back(alert{st.next_alert++, alert_kind::message, c, mid, mat, false});
      if (st.alerts.size() > kMaxAlertsKept) st.alerts.pop_front();
    }
  }
  return c;
}

void baseline_inbox_store::ingest_batch(const std::vector<inbound_request>& batch, millis when,
                                        std::vector<std::int64_t>& acks) {
  acks.clear();
  acks.reserve(batch.size());
  for (const auto& r : batch) acks.push_back(ingest(r, r.at ? *r.at : when));
}

void baseline_inbox_store::mark_read(std::size_t reader, std::uint32_t c) {
  if (c >= convs_.size()) return;
  auto& cv = convs_[c];
  auto settle = [&](std::size_t s) {
    if (counts_in_badge(s, c)) {
      auto u = unread_of(s, c);
      if (u > 0) {
        staff_[s].badge_value.unread_conversations -= 1;
        staff_[s].badge_value.unread_messages -= u;
      }
    }
  };
  if (mode_ == read_status_mode::shared) {
    for (std::size_t s = 0; s < staff_.size(); ++s) settle(s);
    cv.shared_seen = cv.inbound_count;
  } else {
    settle(reader);
    at(c, reader).seen = cv.inbound_count;
  }
}

std::vector<inbox_row> baseline_inbox_store::list(std::size_t s, std::size_t limit, int assignee,
                                                  bool unread_only) const {
  std::vector<inbox_row> rows;
  rows.reserve(limit);
  for (auto c = staff_[s].head; c != nil && rows.size() < limit; c = at(c, s).next) {
    const auto& cv = convs_[c];
    if (cv.archived) continue;
    if (assignee >= 0 && cv.assignee != assignee) continue;
    auto unread = unread_of(s, c);
    if (unread_only && unread == 0) continue;
    inbox_row row;
    row.view.id = c;
    row.view.number = numbers_[cv.number];
    row.view.phone = cv.phone;
    row.view.last_activity = cv.last_activity;
    row.view.has_messages = true;
    row.view.preview = cv.preview;
    row.view.message_count = cv.message_count;
    row.view.inbound_count = cv.inbound_count;
    row.unread_count = unread;
    row.current_folder = unread > 0 ? folder::unread : folder::read;
    row.muted = (at(c, s).flags & 2) != 0;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace msgcenter::bench
