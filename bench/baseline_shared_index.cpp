#include "baseline_shared_index.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace msgcenter::bench {

std::uint64_t shared_index_store::arena::append(std::string_view a, std::string_view b) {
  const auto n = a.size() + b.size();
  // A record never spans two chunks, so a view of it is one contiguous range.
  if (chunks_.empty() || pos_ + n > kChunk) {
    chunks_.push_back(std::make_unique<char[]>(kChunk));
    pos_ = 0;
  }
  char* p = chunks_.back().get() + pos_;
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
  const auto off = (chunks_.size() - 1) * kChunk + pos_;
  pos_ += n;
  return off;
}

shared_index_store::shared_index_store(std::size_t staff) : staff_(staff) {
  classes_.resize(1);
  for (std::size_t s = 0; s < staff; ++s) {
    classes_[0].members.push_back(static_cast<std::uint16_t>(s));
    staff_[s].ring = std::make_unique<alert_entry[]>(kRingSize);
  }
}

void shared_index_store::add_number(std::string_view e164) {
  auto [it, fresh] =
      number_index_.try_emplace(std::string(e164), static_cast<std::uint16_t>(numbers_.size()));
  if (fresh) numbers_.emplace_back(e164);
}

void shared_index_store::set_subscribe_all(std::uint16_t s, bool on) {
  if (staff_[s].subscribe_all == on) return;
  staff_[s].subscribe_all = on;
  if (on)
    subscribers_.push_back(s);
  else
    subscribers_.erase(std::find(subscribers_.begin(), subscribers_.end(), s));
}

std::uint32_t shared_index_store::unread_of(std::uint32_t c) const {
  const auto& v = summaries_[c];
  return v.in_count - v.shared_seen;
}

bool shared_index_store::muted(std::uint16_t s, std::uint32_t c) const {
  const auto& v = summaries_[c];
  if (s < 64) return (v.muted_by >> s) & 1;
  return (v.flags & kSideMutes) && side_mutes_.contains(std::uint64_t{c} << 16 | s);
}

template <class F>
void shared_index_store::for_each_muter(std::uint32_t c, F&& f) const {
  const auto& v = summaries_[c];
  for (auto bits = v.muted_by; bits; bits &= bits - 1)
    f(static_cast<std::uint16_t>(__builtin_ctzll(bits)));
  if (v.flags & kSideMutes)  // rare: a conversation muted by staff beyond the bitmask
    for (std::size_t s = 64; s < staff_.size(); ++s)
      if (side_mutes_.contains(std::uint64_t{c} << 16 | s)) f(static_cast<std::uint16_t>(s));
}

std::uint32_t shared_index_store::find(std::string_view number, std::string_view phone) const {
  auto n = number_index_.find(av(number));
  auto p = phone_index_.find(av(phone));
  if (n == number_index_.end() || p == phone_index_.end()) return nil;
  auto c = conv_index_.find(std::uint64_t{n->second} << 32 | p->second);
  return c == conv_index_.end() ? nil : c->second;
}

// ---- recency lists ----------------------------------------------------------------------

void shared_index_store::unlink_main(std::uint32_t c) {
  auto& v = summaries_[c];
  if (v.prev != nil)
    summaries_[v.prev].next = v.next;
  else
    head_ = v.next;
  if (v.next != nil) summaries_[v.next].prev = v.prev;
  v.prev = v.next = nil;
}

// Order: last activity descending, ties most recently updated first. Walks from the front:
// O(1) for the conversation that got the newest message (a burst, where a batch shares one
// time), longer only for a message older than the head.
void shared_index_store::link_main(std::uint32_t c) {
  const auto a = summaries_[c].last_activity;
  auto before = [&](std::uint32_t x) { return summaries_[x].last_activity > a; };
  std::uint32_t prev = nil, cur = head_;
  while (cur != nil && before(cur)) prev = cur, cur = summaries_[cur].next;
  auto& v = summaries_[c];
  v.prev = prev;
  v.next = cur;
  (prev != nil ? summaries_[prev].next : head_) = c;
  if (cur != nil) summaries_[cur].prev = c;
}

void shared_index_store::unlink_own(std::uint32_t c) {
  auto& v = summaries_[c];
  if (v.prev_own != nil)
    summaries_[v.prev_own].next_own = v.next_own;
  else
    staff_[v.assignee].own_head = v.next_own;
  if (v.next_own != nil) summaries_[v.next_own].prev_own = v.prev_own;
  v.prev_own = v.next_own = nil;
}

void shared_index_store::link_own(std::uint32_t c) {
  const auto a = summaries_[c].last_activity;
  auto& head = staff_[summaries_[c].assignee].own_head;
  auto before = [&](std::uint32_t x) { return summaries_[x].last_activity > a; };
  std::uint32_t prev = nil, cur = head;
  while (cur != nil && before(cur)) prev = cur, cur = summaries_[cur].next_own;
  auto& v = summaries_[c];
  v.prev_own = prev;
  v.next_own = cur;
  (prev != nil ? summaries_[prev].next_own : head) = c;
  if (cur != nil) summaries_[cur].prev_own = c;
}

// ---- commands ---------------------------------------------------------------------------

void shared_index_store::assign(std::uint32_t c, std::uint16_t s) {
  if (c >= summaries_.size() || s >= staff_.size()) return;
  auto& v = summaries_[c];
  if (v.assignee == s) return;
  if (v.assignee != no_staff) unlink_own(c);
  v.assignee = s;
  v.version += 1;
  link_own(c);
}

void shared_index_store::mute(std::uint16_t s, std::uint32_t c) {
  if (c >= summaries_.size() || s >= staff_.size() || muted(s, c)) return;
  auto& v = summaries_[c];
  // From now on this member's badge leaves out what c contributes to the class counters.
  if (counts_in_badge(v) && unread_of(c) > 0) {
    staff_[s].correction.unread_conversations += 1;
    staff_[s].correction.unread_messages += unread_of(c);
  }
  if (s < 64) {
    v.muted_by |= std::uint64_t{1} << s;
  } else {
    side_mutes_.insert(std::uint64_t{c} << 16 | s);
    v.flags |= kSideMutes;
  }
}

void shared_index_store::mark_read(std::uint32_t c) {
  if (c >= summaries_.size()) return;
  auto& v = summaries_[c];
  const auto u = unread_of(c);
  if (counts_in_badge(v) && u > 0) {
    for (auto& k : classes_) {
      k.counts.unread_conversations -= 1;
      k.counts.unread_messages -= u;
    }
    for_each_muter(c, [&](std::uint16_t s) {
      staff_[s].correction.unread_conversations -= 1;
      staff_[s].correction.unread_messages -= u;
    });
  }
  v.shared_seen = v.in_count;
  v.version += 1;
}

shared_index_store::badge shared_index_store::badge_of(std::uint16_t s) const {
  const auto& k = classes_[staff_[s].audience].counts;
  const auto& x = staff_[s].correction;
  return {k.unread_conversations - x.unread_conversations,
          k.unread_messages - x.unread_messages};
}

// ---- ingest -----------------------------------------------------------------------------

std::uint32_t shared_index_store::create(std::uint16_t number, std::string_view phone,
                                         std::int64_t at) {
  // Phone interning: one copy of the phone's bytes, a u32 for everything else.
  std::uint32_t p;
  if (auto it = phone_index_.find(av(phone)); it != phone_index_.end()) {
    p = it->second;
  } else {
    p = static_cast<std::uint32_t>(phone_off_.size());
    const auto off = bytes_.append(phone);
    phone_off_.push_back(off);
    phone_len_.push_back(static_cast<std::uint8_t>(phone.size()));
    phone_index_.emplace(av(bytes_.view(off, phone.size())), p);
  }
  const auto key = std::uint64_t{number} << 32 | p;
  auto [it, fresh] = conv_index_.try_emplace(key, static_cast<std::uint32_t>(summaries_.size()));
  if (fresh) {
    auto& v = summaries_.emplace_back();
    v.id = it->second;
    v.number = number;
    v.phone = p;
    v.last_time = v.last_activity = at;
  }
  return it->second;
}

void shared_index_store::push_alert(std::uint16_t s, std::uint32_t c, std::uint32_t m,
                                    std::int64_t at) {
  auto& st = staff_[s];
  st.ring[st.alerts_total++ & (kRingSize - 1)] = alert_entry{c, m, at};
}

std::uint32_t shared_index_store::ingest(const inbound& m) {
  auto num = number_index_.find(av(m.to));
  if (num == number_index_.end() || m.provider_id.size() > 255 || m.body.size() > UINT16_MAX)
    return nil;
  const auto mi = static_cast<std::uint32_t>(log_.size());

  // Dedup: the fingerprint set answers "new" in one probe; a hit is checked exactly.
  if (!m.provider_id.empty()) {
    const auto fp = XXH3_64bits(m.provider_id.data(), m.provider_id.size());
    auto [it, fresh] = dedup_.try_emplace(fp, mi);
    if (!fresh) {
      const auto& h = log_[it->second];
      if (bytes_.view(h.bytes_off + h.body_len, h.pid_len) == m.provider_id) return nil;
      if (!dedup_collisions_.emplace(std::string(m.provider_id)).second) return nil;  // a 64-bit clash
    }
  }

  // (number, phone) -> conversation; the phone lookup also serves first contact.
  std::uint32_t c;
  {
    auto p = phone_index_.find(av(m.from));
    auto ci = p == phone_index_.end()
                  ? conv_index_.end()
                  : conv_index_.find(std::uint64_t{num->second} << 32 | p->second);
    c = ci != conv_index_.end() ? ci->second : create(num->second, m.from, m.at);
  }
  const bool listed = summaries_[c].last_message != nil;
  auto& v = summaries_[c];

  // The message: header in the log, body and provider id in the arena.
  const auto at = std::max(m.at, v.last_activity);
  const auto off = bytes_.append(m.body, m.provider_id);
  log_.push_back(message_header{off, at, c, v.last_message,
                                static_cast<std::uint16_t>(m.body.size()),
                                static_cast<std::uint8_t>(m.provider_id.size()), 0});

  // The shared summary.
  const bool counted_before = listed && counts_in_badge(v);
  const auto unread_before = unread_of(c);
  v.last_message = mi;
  v.msg_count += 1;
  v.in_count += 1;
  v.last_time = v.last_activity = at;
  v.preview_off = off;  // the preview is the body's first 100 bytes: no copy
  v.preview_len = static_cast<std::uint16_t>(std::min<std::size_t>(m.body.size(), 100));
  v.last_dir = 0;
  v.flags &= static_cast<std::uint8_t>(~(kArchived | kHidden));  // an inbound text unarchives
  v.version += 1;

  // Badges (shared read mode): the class counters, and a correction for each muter.
  {
    const std::int64_t dmsgs = counted_before ? 1 : unread_before + 1;
    const std::int64_t dconvs = counted_before && unread_before > 0 ? 0 : 1;
    for (auto& k : classes_) {
      k.counts.unread_conversations += dconvs;
      k.counts.unread_messages += dmsgs;
    }
    if (v.muted_by || (v.flags & kSideMutes))
      for_each_muter(c, [&](std::uint16_t s) {
        staff_[s].correction.unread_conversations += dconvs;
        staff_[s].correction.unread_messages += dmsgs;
      });
  }

  // Recency lists: the main one, and the assignee's.
  if (listed) unlink_main(c);
  link_main(c);
  if (v.assignee != no_staff) {
    if (listed) unlink_own(c);
    link_own(c);
  }

  // Alerts: recipients evaluated once, one 16-byte ring entry each.
  const bool any_mute = v.muted_by || (v.flags & kSideMutes);
  if (v.assignee != no_staff) {
    if (!any_mute || !muted(v.assignee, c)) push_alert(v.assignee, c, mi, at);
    for (auto s : subscribers_)
      if (s != v.assignee && (!any_mute || !muted(s, c))) push_alert(s, c, mi, at);
  } else {
    for (const auto& k : classes_)  // every class that can see it (here: the one class)
      for (auto s : k.members)
        if (!any_mute || !muted(s, c)) push_alert(s, c, mi, at);
  }
  return c;
}

// ---- reads ------------------------------------------------------------------------------

void shared_index_store::first_page(std::uint16_t s, std::size_t limit, std::vector<row>& out) const {
  out.clear();
  for (auto c = head_; c != nil && out.size() < limit; c = summaries_[c].next) {
    const auto& v = summaries_[c];
    if (v.flags & kArchived) continue;
    // The folder is f(summary, read point): computed here, stored nowhere.
    const auto unread = unread_of(c);
    row& r = out.emplace_back();
    r.conversation = c;
    r.number = numbers_[v.number];
    r.phone = bytes_.view(phone_off_[v.phone], phone_len_[v.phone]);
    r.preview = bytes_.view(v.preview_off, v.preview_len);
    r.last_activity = v.last_activity;
    r.message_count = v.msg_count;
    r.unread = unread;
    r.current = unread > 0 ? folder::unread : v.last_dir ? folder::replied : folder::read;
    r.muted = muted(s, c);
    r.assignee = v.assignee;
  }
}

std::size_t shared_index_store::capacity_bytes() const {
  auto table = [](const auto& t) {
    using slot = typename std::decay_t<decltype(t)>::value_type;
    return t.capacity() * (sizeof(slot) + 1);  // Swiss table: one control byte per slot
  };
  return summaries_.capacity() * sizeof(summary) + log_.capacity() * sizeof(message_header) +
         bytes_.bytes() + phone_off_.capacity() * sizeof(std::uint64_t) + phone_len_.capacity() +
         table(number_index_) + table(phone_index_) + table(conv_index_) + table(dedup_) +
         table(dedup_collisions_) + table(side_mutes_);
}

}  // namespace msgcenter::bench
