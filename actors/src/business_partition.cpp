#include "msgcenter/actors/business_partition.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "msgcenter/actors/message_types.hpp"
#include "msgcenter/core/action_rights.hpp"
#include "msgcenter/core/alert_recipients.hpp"
#include "msgcenter/core/assignment.hpp"
#include "msgcenter/core/csv.hpp"
#include "msgcenter/core/event_resume.hpp"
#include "msgcenter/core/lead.hpp"
#include "msgcenter/core/media.hpp"
#include "msgcenter/core/operation_rights.hpp"
#include "msgcenter/core/phone.hpp"
#include "msgcenter/core/presence.hpp"
#include "msgcenter/core/read_mode.hpp"
#include "msgcenter/core/render.hpp"
#include "msgcenter/core/request_validation.hpp"
#include "msgcenter/core/segments.hpp"
#include "msgcenter/core/template_contact.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::actors {
namespace {

using namespace std::string_literals;

millis clock_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

millis op_time(const op_context& ctx) { return ctx.at ? *ctx.at : clock_now(); }

template <class T>
result<T> fail(errc code, std::string text) {
  return result<T>(make_error(code, std::move(text)));
}

}  // namespace

/// What every viewer's row shows of the shared state: a row changes for a viewer when
/// this, their read point or their access changes.
struct business_partition::row_facts {
  millis last_activity = 0;
  direction last_direction = direction::in;
  bool archived = false;
  bool hidden = false;
  std::uint64_t message_count = 0;
  std::uint64_t inbound_count = 0;
  std::string preview;
  std::string assignee;
  bool has_contact = false;
  std::string contact_id, first_name, last_name;
  contact_kind kind = contact_kind::client;

  row_facts() = default;  ///< nobody watches: nothing to compare
  explicit row_facts(const conversation_state& c)
      : last_activity(c.last_activity()),
        last_direction(c.last_direction()),
        archived(c.archived()),
        hidden(c.hidden()),
        message_count(c.message_count()),
        inbound_count(c.inbound_count()),
        preview(c.preview()),
        assignee(c.assignee()),
        has_contact(c.contact().has_value()) {
    if (has_contact) {
      contact_id = c.contact()->id;
      first_name = c.contact()->first_name;
      last_name = c.contact()->last_name;
      kind = c.contact()->kind;
    }
  }
  bool operator==(const row_facts& o) const {
    return last_activity == o.last_activity && last_direction == o.last_direction &&
           archived == o.archived && hidden == o.hidden && message_count == o.message_count &&
           inbound_count == o.inbound_count && preview == o.preview && assignee == o.assignee &&
           has_contact == o.has_contact && contact_id == o.contact_id &&
           first_name == o.first_name && last_name == o.last_name && kind == o.kind;
  }
  bool operator!=(const row_facts& o) const { return !(*this == o); }
};

business_partition::business_partition(caf::event_based_actor* self, durability& journal,
                                       std::string id, std::uint32_t business_no,
                                       std::shared_ptr<gateway> outbound, media_rules media)
    : self_(self),
      journal_(journal),
      id_(std::move(id)),
      business_no_(business_no),
      outbound_(std::move(outbound)),
      media_(media) {
  auto d = std::make_shared<directory>();
  d->business = id_;
  dir_ = d;
}

// ---- entities ---------------------------------------------------------------------------

void business_partition::set_directory(directory_ptr next) {
  dir_ = std::move(next);
  staff_of_.assign(inboxes_.size(), nullptr);
  sees_all_.assign(inboxes_.size(), false);
  others_.clear();
  for (std::size_t i = 0; i < inboxes_.size(); ++i) {
    staff_of_[i] = dir_->find_staff(inboxes_[i]->own.staff_id());
    sees_all_[i] = sees_everything(i);
    if (!in_group(i)) others_.push_back(static_cast<std::uint16_t>(i));
  }
}

// True when access_of() answers `visible` for every conversation of the business: the
// common case, which lets a conversation compute one viewer state for all of them.
bool business_partition::sees_everything(std::size_t inbox) const {
  const auto* staff = staff_of_[inbox];
  return staff && staff->has(right::view_messages) && staff->locations.empty() &&
         (dir_->settings.visibility == visibility_mode::all || staff->subscribe_all);
}

std::uint16_t business_partition::add_inbox(const std::string& staff) {
  if (auto it = inbox_no_.find(staff); it != inbox_no_.end()) return it->second;
  auto no = static_cast<std::uint16_t>(inboxes_.size());
  inboxes_.push_back(std::make_unique<inbox_entity>(staff));
  // Ids of this run start above every id of an earlier one: the microsecond clock.
  inboxes_.back()->first_seq = inboxes_.back()->next_seq =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  staff_of_.push_back(dir_->find_staff(staff));
  inbox_no_.emplace(staff, no);
  sees_all_.push_back(sees_everything(no));
  if (!in_group(no)) others_.push_back(no);
  return no;
}

inbox_entity* business_partition::inbox_of(const std::string& staff) {
  auto it = inbox_no_.find(staff);
  return it == inbox_no_.end() ? nullptr : inboxes_[it->second].get();
}

conversation_entity* business_partition::find_conversation(conversation_id id) {
  auto it = convs_.find(id);
  return it == convs_.end() ? nullptr : it->second.get();
}

std::vector<std::string> business_partition::owners(const conversation_entity& c) const {
  const auto& contact = c.state.contact();
  return owners_of(c.state.assignee(), contact ? &*contact : nullptr, dir_->settings);
}

conversation_id business_partition::conversation_for(const std::string& number,
                                                     const std::string& phone, millis at) {
  if (auto known = by_key_.find(number, phone)) return *known;
  auto id = next_conversation_++;
  auto* num = dir_->find_number(number);
  auto c = std::make_unique<conversation_entity>(
      conversation_state(id, number, phone, num ? num->location : "", at));
  // Linked automatically only when exactly one contact has this phone.
  if (auto* match = contacts_.single_match(phone)) {
    c->state.link(match->card());
    c->contact = match->id;
  }
  by_key_.emplace(number, phone, id);
  by_phone_.emplace(phone, id);
  conv_order_.push_back(id);
  convs_.emplace(id, std::move(c));
  return id;
}

void business_partition::restore(const persistence::recovered_business& saved) {
  auto d = std::make_shared<directory>(saved.dir);
  d->business = id_;
  for (auto& [id, c] : saved.contacts) {
    contacts_.upsert(c);
    next_lead_ = next_lead_after(id, next_lead_);  // lead-<n> ids are ours
  }
  for (auto& [key, state] : saved.consent) consent_.set(key.first, key.second, state);
  set_directory(d);
  for (auto& [staff, s] : dir_->staff) {
    auto& inbox = *inboxes_[add_inbox(staff)];
    auto it = saved.inboxes.find(staff);
    if (it == saved.inboxes.end()) continue;
    for (auto id : it->second.pins) inbox.own.set_pinned(id, true);
    for (auto id : it->second.mutes) inbox.own.set_muted(id, true);  // muted_by: below
    for (auto& [id, a] : it->second.alerts) inbox.own.restore_alert(a);
  }
  for (auto& [id, c] : saved.conversations) {
    std::vector<message> msgs;
    msgs.reserve(c.messages.size());
    for (auto& [mid, m] : c.messages) {
      msgs.push_back(m);
      if (!m.provider_id.empty()) providers_[m.provider_id] = {id, mid};
      next_message_ = std::max(next_message_, mid + 1);
    }
    auto e = std::make_unique<conversation_entity>(conversation_state(c.image, std::move(msgs)));
    e->contact = c.image.contact ? c.image.contact->id : "";
    by_key_.emplace(c.image.number, c.image.phone, id);
    by_phone_.emplace(c.image.phone, id);
    conv_order_.push_back(id);
    index_.place(e->state, owners(*e));
    for (std::size_t i = 0; i < inboxes_.size(); ++i)
      if (inboxes_[i]->own.muted(id)) e->muted_by.push_back(static_cast<std::uint16_t>(i));
    convs_.emplace(id, std::move(e));
    next_conversation_ = std::max(next_conversation_, id + 1);
  }
  recompute_badges();
}

// ---- the conversation -> inbox protocol of one turn ------------------------------------

namespace {
// b += to - from (the counters are unsigned: wrapping sums come out right).
void move_badge(badge& b, const badge& from, const badge& to) {
  b.unread_conversations += to.unread_conversations - from.unread_conversations;
  b.unread_messages += to.unread_messages - from.unread_messages;
}
}  // namespace

bool business_partition::in_group(std::size_t inbox) const {
  return dir_->settings.read_status == read_status_mode::shared && sees_all_[inbox];
}

badge business_partition::badge_of(std::size_t inbox) const {
  if (!in_group(inbox)) return inboxes_[inbox]->own.current_badge();
  badge b = group_badge_;
  move_badge(b, inboxes_[inbox]->correction, {});
  return b;
}

void business_partition::touch(std::size_t inbox) {
  auto& e = *inboxes_[inbox];
  if (e.touched || !e.logging) return;  // only watched inboxes get badge events
  e.touched = true;
  e.badge_at_turn_start = badge_of(inbox);
  touched_.push_back(static_cast<std::uint16_t>(inbox));
}

void business_partition::touch_watched_group() {
  if (!watched_) return;
  for (std::size_t i = 0; i < inboxes_.size(); ++i)
    if (inboxes_[i]->logging && in_group(i)) touch(i);
}

void business_partition::recompute_badges() {
  const auto n = inboxes_.size();
  std::vector<badge> sums(n);
  std::vector<badge> corrections(n);
  badge group;
  for (auto id : conv_order_) {
    const auto& c = *convs_.at(id);
    const auto vs = viewers(c);
    move_badge(group, {}, vs.common.contribution);
    for (auto j : c.muted_by)
      if (j < n && in_group(j)) move_badge(corrections[j], {}, vs.common.contribution);
    for (std::size_t i = 0; i < n; ++i)
      if (!in_group(i)) move_badge(sums[i], {}, vs.each[i].contribution);
  }
  group_badge_ = group;
  for (std::size_t i = 0; i < n; ++i) {
    auto& e = *inboxes_[i];
    e.correction = corrections[i];
    e.own.adjust_badge(e.own.current_badge(), in_group(i) ? badge{} : sums[i]);
  }
}

business_partition::row_facts business_partition::facts_of(const conversation_entity& c) const {
  return watched_ ? row_facts(c.state) : row_facts();
}

void business_partition::alert_audience(const conversation_entity& c,
                                        std::vector<std::uint16_t>& out) const {
  const auto own = owners(c);
  const auto n = inboxes_.size();
  std::vector<bool> sees(n, false), subscribe_all(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const auto* staff = staff_of_[i];
    if (!staff) continue;
    sees[i] = access_of(*staff, c.state.location(), own, dir_->settings) == access::visible;
    subscribe_all[i] = staff->subscribe_all;
  }
  auto staff_no = [&](const std::string& id) -> std::optional<std::uint16_t> {
    auto it = inbox_no_.find(id);
    if (it == inbox_no_.end() || !staff_of_[it->second]) return std::nullopt;
    return it->second;
  };
  std::vector<std::uint16_t> owner_nos;
  for (auto& o : own)
    if (auto no = staff_no(o)) owner_nos.push_back(*no);
  std::optional<std::uint16_t> last;
  if (!c.state.last_manual_sender().empty()) last = staff_no(c.state.last_manual_sender());
  inbound_alert_recipients(owner_nos, last, sees, subscribe_all, out);
}

business_partition::viewer_set business_partition::viewers(const conversation_entity& c) const {
  viewer_set out;
  out.each.resize(inboxes_.size());
  const auto id = c.state.id();
  const auto* owners = index_.owners(id);
  if (!owners) return out;  // not yet placed: nobody reaches it
  const auto& dir = *dir_;
  // In shared mode everyone reads the same point: computed once, not per viewer.
  const bool shared = dir.settings.read_status == read_status_mode::shared;
  const read_point shared_read = shared ? c.state.read_point_for({}, dir) : read_point{};
  // Everyone who sees every conversation sees this one alike in shared mode.
  out.common =
      viewer_state{access::visible,
                   badge_contribution(access::visible, c.state, shared_read, false), shared_read};
  // The common audience's entries are only read for events: filled while someone watches.
  auto one = [&](std::size_t i) {
    const auto* staff = staff_of_[i];
    if (!staff) return;
    auto& v = out.each[i];
    if (shared && sees_all_[i]) {
      v = out.common;  // mutes: through their correction, not here
      return;
    }
    v.acc = access_of(*staff, c.state.location(), *owners, dir.settings);
    if (v.acc == access::none) return;
    v.read = shared ? shared_read : c.state.read_point_for(staff->id, dir);
    v.contribution = badge_contribution(v.acc, c.state, v.read, inboxes_[i]->own.muted(id));
  };
  if (watched_)
    for (std::size_t i = 0; i < inboxes_.size(); ++i) one(i);
  else
    for (auto i : others_) one(i);
  return out;
}

void business_partition::changed(conversation_entity& c, const viewer_set& before_set,
                                 const row_facts& facts_before,
                                 const std::vector<message>* new_messages,
                                 const std::vector<std::pair<std::uint16_t, alert_spec>>& alerts,
                                 bool badges) {
  index_.place(c.state, owners(c));
  const bool watched = watched_;
  const bool shared_changed = watched && row_facts(c.state) != facts_before;
  const auto now_set = viewers(c);
  const auto& before = before_set.each;
  const auto& now = now_set.each;
  const auto id = c.state.id();
  // The common audience moves as one: its counter, and a correction for each member who
  // muted this conversation (their badge does not move).
  const auto& common_was = before_set.common.contribution;
  const auto& common_is = now_set.common.contribution;
  if (badges && common_was != common_is && dir_->settings.read_status == read_status_mode::shared) {
    touch_watched_group();
    move_badge(group_badge_, common_was, common_is);
    for (auto j : c.muted_by)
      if (j < inboxes_.size() && in_group(j)) {
        touch(j);
        move_badge(inboxes_[j]->correction, common_was, common_is);
      }
  }
  auto each = [&](std::size_t i) {
    const auto& was = i < before.size() ? before[i] : viewer_state{};
    const auto& is = now[i];
    auto no = static_cast<std::uint16_t>(i);
    if (badges && !in_group(i) && was.contribution != is.contribution) {
      inbox_note n{inbox_note::kind::badge, no, id};
      n.before = was.contribution;
      n.after = is.contribution;
      notes_.push_back(n);
    }
    if (!watched) return;
    if (inboxes_[i]->logging && is.acc == access::visible && new_messages &&
        !new_messages->empty()) {
      inbox_note n{inbox_note::kind::messages, no, id};
      n.messages = new_messages;
      notes_.push_back(n);
    }
    if (inboxes_[i]->logging && (was.acc != is.acc || (is.acc != access::none &&
                                                       (shared_changed || !(was.read == is.read)))))
      notes_.push_back(inbox_note{inbox_note::kind::row, no, id});
  };
  if (watched)
    for (std::size_t i = 0; i < now.size(); ++i) each(i);
  else
    for (auto i : others_) each(i);  // the common audience moved as one above
  // Alerts in the order they were raised; only to whoever can see the conversation now.
  for (auto& [to, spec] : alerts) {
    if (to >= now.size() || (!in_group(to) && now[to].acc != access::visible)) continue;
    inbox_note n{inbox_note::kind::alert, to, id};
    n.alert = spec.kind;
    n.message_no = spec.message;
    n.at = spec.at;
    notes_.push_back(n);
  }
}

void business_partition::emit(inbox_entity& inbox, staff_event ev) {
  if (!inbox.logging) return;
  ev.seq = inbox.next_seq++;
  for (auto& sub : inbox.subscribers) self_->send(sub, ev);
  inbox.recent.push_back(std::move(ev));
  if (inbox.recent.size() > kEventsKept) inbox.recent.pop_front();
}

// Each inbox handles what the conversations told it this turn, in order.
void business_partition::drain() {
  for (auto& n : notes_) {
    auto& inbox = *inboxes_[n.inbox];
    switch (n.what) {
      case inbox_note::kind::badge:
        touch(n.inbox);
        if (in_group(n.inbox))
          move_badge(inbox.correction, n.after, n.before);  // badge += after - before
        else
          inbox.own.adjust_badge(n.before, n.after);
        break;
      case inbox_note::kind::messages:
        if (!inbox.logging) break;
        for (auto& m : *n.messages) {
          staff_event ev;
          ev.kind = event_kind::message;
          ev.msg = m;
          emit(inbox, std::move(ev));
        }
        break;
      case inbox_note::kind::row: {
        if (!inbox.logging) break;
        staff_event ev;
        ev.kind = event_kind::conversation;
        if (const auto* staff = staff_of_[n.inbox])
          ev.row = index_.row(*staff, inbox.own, n.conversation, *dir_);
        if (!ev.row) ev.removed = n.conversation;
        emit(inbox, std::move(ev));
        break;
      }
      case inbox_note::kind::alert:
        if (auto a = inbox.own.raise_alert(n.alert, n.conversation, n.message_no, n.at)) {
          if (journal_.durable()) inbox.raised.push_back(*a);
          if (!inbox.logging) break;
          staff_event ev;
          ev.kind = event_kind::alert;
          ev.alert_value = *a;
          emit(inbox, std::move(ev));
        }
        break;
    }
  }
  notes_.clear();
  for (auto no : touched_) {
    auto& inbox = *inboxes_[no];
    inbox.touched = false;
    auto now = badge_of(no);
    if (now == inbox.badge_at_turn_start) continue;
    staff_event ev;
    ev.kind = event_kind::badge;
    ev.badge_value = now;
    emit(inbox, std::move(ev));
  }
  touched_.clear();
}

void business_partition::begin_records() { records_ = std::make_shared<record_wait>(); }

void business_partition::write(std::string record) {
  if (!journal_.durable()) return;
  if (!records_) begin_records();
  auto wait = records_;
  ++wait->left;
  journal_.write(std::move(record), [wait](status s) {
    if (!s && wait->outcome) wait->outcome = std::move(s);
    if (--wait->left == 0 && wait->then) {
      auto then = std::move(wait->then);
      then(wait->outcome);
    }
  });
}

void business_partition::write_conversation(const conversation_entity& c,
                                            std::vector<message> changed) {
  if (!journal_.durable()) return;
  write(persistence::encode_record(
      persistence::conversation_record{id_, c.state.image(), std::move(changed)}));
}

void business_partition::finish(std::function<void(status)> then) {
  drain();
  for (auto& inbox : inboxes_) {
    if (inbox->raised.empty() || !journal_.durable()) continue;
    // Alerts are the inbox's own state: durable with the turn that raised them.
    write(persistence::encode_record(persistence::inbox_record{
        id_, inbox->own.staff_id(), persistence::inbox_record::change::alert_raised, 0,
        std::move(inbox->raised)}));
    inbox->raised.clear();
  }
  auto wait = std::move(records_);
  records_.reset();
  if (!wait || wait->left == 0) {
    then(wait ? wait->outcome : status(unit{}));
    return;
  }
  wait->then = std::move(then);
}

result<const staff_member*> business_partition::acting_staff(const op_context& ctx,
                                                             right needed) const {
  return msgcenter::acting_staff(*dir_, ctx.as, needed);
}

message business_partition::new_message(direction dir, message_kind kind, std::string body,
                                        std::vector<media_item> media, millis at) {
  message m;
  m.id = next_message_++;
  m.dir = dir;
  m.kind = kind;
  auto seg = count_segments(body);
  m.encoding = seg.encoding;
  m.segments = seg.segments;
  m.body = std::move(body);
  m.media = std::move(media);
  m.status = dir == direction::in ? message_status::received : message_status::queued;
  m.at = at;
  return m;
}

// Parsing a phone with libphonenumber costs microseconds (regular expressions); bursts
// repeat the same numbers, so answers are cached. Two generations approximate LRU in O(1):
// when the young one is full it becomes the old one, and a hit in the old one is promoted.
result<std::string> business_partition::normalized_phone(const std::string& raw) {
  if (auto it = phone_cache_.find(raw); it != phone_cache_.end()) return it->second;
  if (auto it = phone_cache_old_.find(raw); it != phone_cache_old_.end()) {
    auto e164 = it->second;
    remember_phone(raw, e164);
    return e164;
  }
  auto r = normalize_phone(raw, dir_->region);
  if (r) remember_phone(raw, r.value());
  return r;
}

void business_partition::remember_phone(const std::string& raw, const std::string& e164) {
  if (phone_cache_.size() >= kPhoneCacheGeneration) {
    phone_cache_old_ = std::move(phone_cache_);
    phone_cache_.clear();
  }
  phone_cache_.emplace(raw, e164);
}

// ---- carrier ----------------------------------------------------------------------------

caf::result<inbound_results> business_partition::inbound(const op_context& ctx,
                                                         inbound_batch& batch) {
  auto rp = self_->make_response_promise<inbound_results>();
  inbound(ctx, batch, [rp](inbound_results r) mutable { rp.deliver(std::move(r)); });
  return rp;
}

void business_partition::inbound(const op_context& ctx, inbound_batch& batch,
                                 std::function<void(inbound_results)> done) {
  auto out = std::make_shared<inbound_results>(batch.items.size(),
                                               fail<inbound_reply>(errc::unavailable, "?"));
  // Messages per conversation, in batch order, with their index in the batch.
  std::map<conversation_id, std::vector<std::pair<std::size_t, message>>> groups;
  std::vector<outbound_sms> replies;  // consent texts to hand over once stored
  std::vector<std::size_t> stored_items;
  std::vector<std::pair<std::size_t, std::pair<conversation_id, message_id>>> duplicates;
  const auto& dir = *dir_;
  begin_records();
  // A batch is mostly texts to one number: its normalization is looked up once.
  const std::string* last_to_raw = nullptr;
  result<std::string> last_to = fail<std::string>(errc::invalid_argument, "no number yet");
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    auto& item = batch.items[i];
    if (!last_to_raw || *last_to_raw != item.to) {
      last_to = normalized_phone(item.to);
      last_to_raw = &item.to;
    }
    const auto& to = last_to;
    if (!to || !dir.find_number(*to)) {
      (*out)[i] = fail<inbound_reply>(errc::not_found, "`to` is not a number of this business");
      continue;
    }
    auto from = normalized_phone(item.from);
    if (!from) {
      (*out)[i] = result<inbound_reply>(std::move(from).error());
      continue;
    }
    if (auto ok = validate_body(item.body); !ok) {
      (*out)[i] = result<inbound_reply>(ok.error());
      continue;
    }
    if (auto ok = validate_media(item.media, media_); !ok) {
      (*out)[i] = result<inbound_reply>(ok.error());
      continue;
    }
    if (!item.provider_id.empty()) {
      if (auto it = providers_.find(item.provider_id); it != providers_.end()) {
        duplicates.emplace_back(i, it->second);  // answered once the batch is applied
        continue;
      }
    }
    millis at = item.at ? *item.at : op_time(ctx);
    auto conv = conversation_for(*to, *from, at);
    auto m = new_message(direction::in, message_kind::manual, item.body, item.media, at);
    if (!item.provider_id.empty()) {
      m.provider_id = std::move(item.provider_id);  // the batch item is not read again
      providers_.emplace(m.provider_id, std::make_pair(conv, m.id));
    }
    auto& group = groups[conv];
    group.emplace_back(i, std::move(m));
    stored_items.push_back(i);
    // Consent keywords: the keyword itself stays an ordinary inbound message.
    if (auto kw = classify_keyword(item.body); kw != consent_keyword::none) {
      auto before = consent_.get(*from, *to);
      auto outcome = apply_keyword(before, kw);
      consent_.set(*from, *to, outcome.next);
      // Consent changes are journaled before the messages that caused them (the journal
      // keeps order), and the batch is acknowledged only when they are durable too.
      if (outcome.next != before && journal_.durable())
        write(
            persistence::encode_record(persistence::consent_record{id_, *from, *to, outcome.next}));
      if (auto text = consent_text(outcome.reply); !text.empty()) {
        auto sys = new_message(direction::out, message_kind::system, text, {}, at);
        replies.push_back(
            outbound_sms{id_, conv, sys.id, message_kind::system, *to, *from, text, {}});
        group.emplace_back(SIZE_MAX, std::move(sys));
      }
    }
  }
  // Each conversation stores its messages and tells its inboxes once for the batch.
  std::vector<std::vector<message>> new_messages;
  new_messages.reserve(groups.size());
  // Copies of the messages only for whom they are for: the journal, live streams.
  const bool durable = journal_.durable();
  const bool watched = std::any_of(inboxes_.begin(), inboxes_.end(),
                                   [](const auto& inbox) { return inbox->logging; });
  for (auto& [conv_id, items] : groups) {
    auto& c = *convs_.at(conv_id);
    auto before = viewers(c);
    auto facts = facts_of(c);
    std::vector<message> stored;
    stored.reserve(items.size());
    auto& visible = new_messages.emplace_back();
    std::vector<std::pair<std::uint16_t, alert_spec>> alerts;
    // Who an inbound message alerts depends on owners and the last manual sender, which
    // inbound messages do not change: computed once per conversation and batch.
    std::vector<std::uint16_t> recipients;
    bool audience_known = false;
    for (auto& [i, m] : items) {
      auto fx = c.state.append(std::move(m), dir);
      const message& kept = c.state.messages().back();
      if (durable) stored.push_back(kept);
      if (i != SIZE_MAX) (*out)[i] = inbound_reply{conv_id, kept, false};
      if (!fx.visible) continue;
      if (watched) visible.push_back(kept);
      if (kept.dir != direction::in) continue;
      if (!audience_known) {
        alert_audience(c, recipients);
        audience_known = true;
      }
      for (auto to : recipients)
        alerts.emplace_back(to, alert_spec{alert_kind::message, kept.id, kept.at});
    }
    changed(c, before, facts, &visible, alerts);
    write_conversation(c, std::move(stored));
  }
  for (auto& [i, ids] : duplicates) {
    auto* c = find_conversation(ids.first);
    const message* m = c ? c->state.find(ids.second) : nullptr;
    if (m)
      (*out)[i] = inbound_reply{ids.first, *m, true};
    else
      (*out)[i] = fail<inbound_reply>(errc::not_found, "no such message");
  }
  finish([this, out, done = std::move(done), replies = std::move(replies),
          stored_items = std::move(stored_items)](status s) mutable {
    if (!s) {
      // Not durable: acknowledge none of the messages stored by this batch.
      for (auto i : stored_items) (*out)[i] = result<inbound_reply>(s.error());
    } else {
      for (auto& sms : replies) hand_over(sms);
    }
    done(std::move(*out));
  });
}

std::string business_partition::consent_text(consent_reply r) const {
  const auto& s = dir_->settings;
  switch (r) {
    case consent_reply::none:
      return {};
    case consent_reply::opt_out_confirmation:
      return s.opt_out_text;
    case consent_reply::opt_in_confirmation:
      return s.opt_in_confirmation_text;
    case consent_reply::help:
      return s.help_text;
  }
  return {};
}

// Hands a stored outbound message to the carrier. Consent is checked again here, in the
// shard that applies STOP, so nothing reaches the gateway for a phone that is opted out at
// that moment (the consent texts themselves excepted).
void business_partition::hand_over(outbound_sms sms, caf::response_promise rp) {
  auto conv = sms.conversation;
  auto id = sms.message;
  if (sms.kind != message_kind::system) {
    auto ok = check_send_consent(consent_.get(sms.to, sms.from), dir_->settings.consent);
    if (!ok) {
      finish_hand_over(conv, id, fail<std::string>(ok.error().code, ok.error().message), rp);
      return;
    }
  }
  if (!outbound_) {
    finish_hand_over(conv, id, fail<std::string>(errc::unavailable, "no gateway"), rp);
    return;
  }
  auto me = caf::actor_cast<caf::actor>(self_);
  auto business = id_;
  pending_replies_[id] = rp;
  outbound_->submit(std::move(sms), [me, business, conv, id](result<std::string> provider) {
    caf::anon_send(me, provider_result{business, conv, id, std::move(provider)});
  });
}

void business_partition::on_provider(provider_result& r) {
  caf::response_promise rp;
  if (auto it = pending_replies_.find(r.message); it != pending_replies_.end()) {
    rp = it->second;
    pending_replies_.erase(it);
  }
  finish_hand_over(r.conversation, r.message, std::move(r.provider), rp);
  answer_stale_early_statuses();
}

// Status callbacks kept for a provider id no pending hand-over can bring any more: every
// hand-over that was in flight when they arrived has been answered.
void business_partition::answer_stale_early_statuses() {
  if (early_statuses_.empty()) return;
  const message_id oldest_pending = pending_replies_.empty()
                                        ? std::numeric_limits<message_id>::max()
                                        : pending_replies_.begin()->first;
  for (auto it = early_statuses_.begin(); it != early_statuses_.end();) {
    auto& waiting = it->second;
    waiting.erase(
        std::remove_if(waiting.begin(), waiting.end(),
                       [&](early_status& e) {
                         if (e.waits_for >= oldest_pending) return false;
                         e.rp.deliver(fail<status_reply>(errc::not_found, "unknown provider_id"));
                         --early_count_;
                         return true;
                       }),
        waiting.end());
    if (waiting.empty())
      it = early_statuses_.erase(it);
    else
      ++it;
  }
}

void business_partition::finish_hand_over(conversation_id conv, message_id id,
                                          result<std::string> provider, caf::response_promise rp) {
  auto* c = find_conversation(conv);
  if (!c) return;
  if (!c->state.find(id)) {
    if (rp.pending()) rp.deliver(fail<send_reply>(errc::not_found, "no such message"));
    return;
  }
  begin_records();
  auto before = viewers(*c);
  auto facts = facts_of(*c);
  std::vector<caf::typed_response_promise<result<status_reply>>> overtaken;
  if (provider) {
    providers_[provider.value()] = {conv, id};
    c->state.set_provider_id(id, provider.value());
    // Status callbacks that arrived before this answer apply now, in their order.
    if (auto e = early_statuses_.find(provider.value()); e != early_statuses_.end()) {
      for (auto& early : e->second) {
        c->state.update_status(id, early.req.status, early.req.error_code);
        overtaken.push_back(early.rp);
      }
      early_count_ -= e->second.size();
      early_statuses_.erase(e);
    }
  } else {
    c->state.update_status(id, message_status::failed, to_string(provider.error().code));
  }
  message m = *c->state.find(id);
  changed(*c, before, facts, nullptr, {});
  // The provider id must be durable too: status callbacks and duplicates find the message
  // by it after a restart.
  write_conversation(*c, {m});
  finish([this, rp, conv, m, overtaken](status s) mutable {
    for (auto& early : overtaken)
      early.deliver(s ? result<status_reply>(status_reply{m}) : result<status_reply>(s.error()));
    auto answer = s ? result<send_reply>(send_reply{conv, m}) : result<send_reply>(s.error());
    // Stored either way: the message was durable before its hand-over.
    settle_client_ref(m.id, answer, true);
    if (rp.pending()) rp.deliver(std::move(answer));
  });
}

caf::result<result<status_reply>> business_partition::status_callback(const op_context&,
                                                                      status_request& req) {
  if (auto ok = validate(req); !ok) return result<status_reply>(ok.error());
  auto it = providers_.find(req.provider_id);
  if (it == providers_.end()) {
    // The carrier's callback may overtake its own REST answer (the gateway's): while a
    // hand-over is in flight the callback waits for it (bounded), else it names nothing.
    if (pending_replies_.empty() || early_count_ >= kMaxEarlyStatuses)
      return fail<status_reply>(errc::not_found, "unknown provider_id");
    auto rp = self_->make_response_promise<result<status_reply>>();
    early_statuses_[req.provider_id].push_back(
        early_status{req, rp, pending_replies_.rbegin()->first});
    ++early_count_;
    return rp;
  }
  auto [conv, id] = it->second;
  auto* c = find_conversation(conv);
  const message* held = c ? c->state.find(id) : nullptr;
  if (!held) return fail<status_reply>(errc::not_found, "no such message");
  // Inbound messages keep their provider id for duplicates, but have no delivery status.
  if (held->dir == direction::in)
    return fail<status_reply>(errc::not_found, "no outbound message has this provider_id");
  begin_records();
  auto before = viewers(*c);
  auto facts = facts_of(*c);
  c->state.update_status(id, req.status, req.error_code);
  message m = *c->state.find(id);
  changed(*c, before, facts, nullptr, {});
  write_conversation(*c, {m});
  auto rp = self_->make_response_promise<result<status_reply>>();
  finish([rp, m](status s) mutable {
    if (s)
      rp.deliver(result<status_reply>(status_reply{m}));
    else
      rp.deliver(result<status_reply>(s.error()));
  });
  return rp;
}

// ---- sending ----------------------------------------------------------------------------

caf::result<result<send_reply>> business_partition::send(const op_context& ctx, send_request& req) {
  const auto& dir = *dir_;
  // The C++ API refuses exactly what the protocol refuses.
  if (auto ok = validate(req); !ok) return result<send_reply>(ok.error());
  // Every kind sent by a staff member needs the staff member and send_sms; automation (no
  // staff member) sends campaigns and notifications only.
  const staff_member* staff = ctx.as.empty() ? nullptr : dir.find_staff(ctx.as);
  if (auto ok = may_send(ctx.as, staff, req.kind); !ok) return result<send_reply>(ok.error());
  const std::string author = req.kind == message_kind::manual ? ctx.as : std::string();
  auto rp = self_->make_response_promise<result<send_reply>>();
  auto refuse = [&rp](error e) {
    rp.deliver(result<send_reply>(std::move(e)));
    return rp;
  };
  // A retry: the first send's answer (once it has one), before any check of the thread.
  if (!req.client_ref.empty())
    if (auto* bound = client_refs_.find(req.client_ref)) {
      if (auto ok = may_reuse_client_ref(*bound, ctx.as); !ok) return refuse(ok.error());
      if (!bound->done) {
        refs_in_flight_[bound->message].retries.push_back(rp);
        return rp;
      }
      auto* c = find_conversation(bound->conversation);
      if (const message* m = c ? c->state.find(bound->message) : nullptr) {
        rp.deliver(result<send_reply>(send_reply{bound->conversation, *m}));
        return rp;
      }
    }
  if (req.conversation) {
    auto* c = find_conversation(*req.conversation);
    if (!c) return refuse(make_error(errc::not_found, "no such conversation"));
    if (staff)
      if (auto ok = may_send_into(index_.access_for(*staff, c->state.id(), dir)); !ok)
        return refuse(ok.error());
    if (auto ok =
            check_send_guard(req.expect_last_message, last_thread_message(c->state.messages()));
        !ok)
      return refuse(ok.error());
    send_to(ctx, req, c->state.number(), c->state.phone(), author, rp);
    return rp;
  }
  std::string phone;
  if (!req.contact.empty()) {
    auto* c = contacts_.find(req.contact);
    if (!c) return refuse(make_error(errc::not_found, "no such contact"));
    // The contact's first phone that can receive SMS.
    result<std::string> last = fail<std::string>(errc::invalid_phone, "contact has no phone");
    for (auto& p : c->phones) {
      last = normalize_mobile(p, dir.region);
      if (last) break;
    }
    if (!last) return refuse(last.error());
    phone = last.value();
  } else {  // validate(): exactly one target, so the phone
    auto p = normalize_mobile(req.phone, dir.region);
    if (!p) return refuse(p.error());
    phone = p.value();
  }
  std::string number = dir.sending_number();
  if (!req.number.empty()) {
    auto n = normalize_phone(req.number, dir.region);
    if (!n || !dir.find_number(*n))
      return refuse(make_error(errc::not_found, "`number` is not a number of this business"));
    number = *n;
  }
  if (number.empty())
    return refuse(make_error(errc::invalid_argument, "the business has no number"));
  if (staff) {
    // The number first: its location is no secret, a conversation on it may be.
    const auto* info = dir.find_number(number);
    if (auto ok = may_use_number(*staff, info ? *info : number_info{number, ""}); !ok)
      return refuse(ok.error());
    if (auto known = by_key_.find(number, phone))
      if (auto ok = may_send_into(index_.access_for(*staff, *known, dir)); !ok)
        return refuse(ok.error());
  }
  send_to(ctx, req, number, phone, author, rp);
  return rp;
}

void business_partition::send_to(const op_context& ctx, const send_request& req,
                                 const std::string& number, const std::string& phone,
                                 const std::string& author,
                                 caf::typed_response_promise<result<send_reply>> rp) {
  const auto& dir = *dir_;
  auto refuse = [&rp](error e) { rp.deliver(result<send_reply>(std::move(e))); };
  // A sending number given explicitly must match a conversation's own.
  if (req.conversation && !req.number.empty()) {
    auto n = normalize_phone(req.number, dir.region);
    if (!n || *n != number)
      return refuse(make_error(errc::invalid_argument, "`number` differs from the conversation's"));
  }
  std::string body = req.body;
  if (!req.template_name.empty()) {
    auto it = dir.templates.find(req.template_name);
    if (it == dir.templates.end()) return refuse(make_error(errc::not_found, "no such template"));
    template_vars vars;
    vars.business_name = dir.name;
    std::string linked;
    if (auto known = by_key_.find(number, phone)) linked = convs_.at(*known)->contact;
    const contact* c = template_contact(contacts_, req.contact, linked, phone);
    if (c) {
      vars.first_name = c->first_name;
      vars.last_name = c->last_name;
    }
    body = render_template(it->second.body, vars);
  }
  if (auto ok = validate_content(body, req.media, media_); !ok) return refuse(ok.error());
  if (auto ok = check_send_consent(consent_.get(phone, number), dir.settings.consent); !ok)
    return refuse(ok.error());
  millis at = op_time(ctx);
  auto conv = conversation_for(number, phone, at);
  auto m = new_message(direction::out, req.kind, body, req.media, at);
  m.author = author;
  if (!req.client_ref.empty()) {
    client_refs_.bind(req.client_ref, {conv, m.id, ctx.as, false});
    refs_in_flight_[m.id].ref = req.client_ref;
  }
  outbound_sms sms{id_, conv, m.id, req.kind, number, phone, body, req.media};
  auto& c = *convs_.at(conv);
  begin_records();
  auto before = viewers(c);
  auto facts = facts_of(c);
  c.state.append(std::move(m), dir);
  auto kept = c.state.messages().back();
  auto shown = std::make_shared<std::vector<message>>();
  if (kept.visible()) shown->push_back(kept);
  changed(c, before, facts, shown.get(), {});
  write_conversation(c, {kept});
  caf::response_promise untyped = rp;
  finish([this, sms, untyped, shown](status s) mutable {
    if (!s) {
      untyped.deliver(result<send_reply>(s.error()));
      settle_client_ref(sms.message, result<send_reply>(s.error()), false);
      return;
    }
    hand_over(sms, untyped);
  });
}

void business_partition::settle_client_ref(message_id id, const result<send_reply>& answer,
                                           bool stored) {
  auto it = refs_in_flight_.find(id);
  if (it == refs_in_flight_.end()) return;
  auto wait = std::move(it->second);
  refs_in_flight_.erase(it);
  if (auto* bound = client_refs_.find(wait.ref); bound && bound->message == id) {
    if (stored)
      bound->done = true;
    else
      client_refs_.forget(wait.ref);  // a refused operation leaves no trace
  }
  for (auto& retry : wait.retries) retry.deliver(answer);
}

// ---- consent ----------------------------------------------------------------------------

result<std::pair<std::string, std::string>> business_partition::consent_key(
    const std::string& raw_phone, const std::string& raw_number) {
  const auto& dir = *dir_;
  auto phone = normalize_phone(raw_phone, dir.region);
  if (!phone) return phone.error();
  std::string number = dir.sending_number();
  if (!raw_number.empty()) {
    auto n = normalize_phone(raw_number, dir.region);
    if (!n || !dir.find_number(*n))
      return make_error(errc::not_found, "`number` is not a number of this business");
    number = *n;
  }
  if (number.empty()) return make_error(errc::invalid_argument, "the business has no number");
  return std::make_pair(*phone, number);
}

result<const staff_member*> business_partition::consent_caller(const op_context& ctx,
                                                               consent_operation op) const {
  if (ctx.as.empty()) return static_cast<const staff_member*>(nullptr);  // automation, admin
  return acting_staff(ctx, right_for(op));
}

status business_partition::may_use(const staff_member* staff, const std::string& number) const {
  if (!staff) return unit{};
  const auto* info = dir_->find_number(number);
  return may_use_number(*staff, info ? *info : number_info{number, ""});
}

result<consent_state_reply> business_partition::consent_get(const op_context& ctx,
                                                            consent_get_args& req) {
  auto who = consent_caller(ctx, consent_operation::get);
  if (!who) return who.error();
  auto key = consent_key(req.phone, req.number);
  if (!key) return key.error();
  if (auto ok = may_use(who.value(), key->second); !ok) return ok.error();
  return consent_state_reply{consent_.get(key->first, key->second)};
}

caf::result<result<consent_state_reply>> business_partition::consent_request(
    const op_context& ctx, consent_request_args& req) {
  auto who = consent_caller(ctx, consent_operation::request);
  if (!who) return result<consent_state_reply>(who.error());
  auto key = consent_key(req.phone, req.number);
  if (!key) return result<consent_state_reply>(key.error());
  auto [phone, number] = key.value();
  if (auto ok = may_use(who.value(), number); !ok) return result<consent_state_reply>(ok.error());
  auto state = consent_.get(phone, number);
  if (state == consent_state::no)
    return fail<consent_state_reply>(errc::opted_out, "the phone opted out; it must text START");
  if (state == consent_state::yes) return result<consent_state_reply>(consent_state_reply{state});
  if (auto mobile = normalize_mobile(phone, dir_->region); !mobile)
    return result<consent_state_reply>(mobile.error());
  begin_records();
  consent_.set(phone, number, consent_state::pending);
  // Journaled before the message, so it is durable with it.
  write(persistence::encode_record(
      persistence::consent_record{id_, phone, number, consent_state::pending}));
  millis at = op_time(ctx);
  auto conv = conversation_for(number, phone, at);
  auto text = dir_->settings.opt_in_request_text;
  auto m = new_message(direction::out, message_kind::system, text, {}, at);
  outbound_sms sms{id_, conv, m.id, message_kind::system, number, phone, text, {}};
  auto& c = *convs_.at(conv);
  auto before = viewers(c);
  auto facts = facts_of(c);
  c.state.append(std::move(m), *dir_);
  changed(c, before, facts, nullptr, {});
  write_conversation(c, {c.state.messages().back()});
  auto rp = self_->make_response_promise<result<consent_state_reply>>();
  finish([this, rp, sms](status s) mutable {
    if (!s) {
      rp.deliver(result<consent_state_reply>(s.error()));
      return;
    }
    hand_over(sms);
    rp.deliver(result<consent_state_reply>(consent_state_reply{consent_state::pending}));
  });
  return rp;
}

// ---- admin ------------------------------------------------------------------------------

// Re-evaluates every conversation for every inbox after a directory change (rights,
// locations, visibility, read mode, owners): only rows and badges that changed move.
template <class Fn>
void business_partition::change_directory(Fn&& mutate, std::function<void(status)> done) {
  auto next = std::make_shared<directory>(*dir_);
  mutate(*next);
  begin_records();
  write(persistence::encode_record(persistence::directory_record{business_no_, *next}));
  // Every conversation's viewers before and after: under the old directory, then the new.
  std::vector<viewer_set> before;
  std::vector<row_facts> facts;
  before.reserve(conv_order_.size());
  facts.reserve(conv_order_.size());
  for (auto id : conv_order_) {
    before.push_back(viewers(*convs_.at(id)));
    facts.push_back(facts_of(*convs_.at(id)));
  }
  for (std::size_t i = 0; i < inboxes_.size(); ++i) touch(i);  // badges under the old rules
  set_directory(next);
  for (auto& [staff, s] : dir_->staff) add_inbox(staff);
  // Rows move by comparison; badges are recounted (who is in the common audience may change).
  for (std::size_t k = 0; k < conv_order_.size(); ++k)
    changed(*convs_.at(conv_order_[k]), before[k], facts[k], nullptr, {}, false);
  recompute_badges();
  finish(std::move(done));
}

caf::result<result<unit>> business_partition::business_put(const op_context& ctx,
                                                           business_put_request& req) {
  if (auto ok = may_administer(*dir_, ctx.as); !ok) return result<unit>(ok.error());
  auto region = req.region.empty() ? dir_->region : req.region;
  if (region.size() != 2 || !std::isupper(static_cast<unsigned char>(region[0])) ||
      !std::isupper(static_cast<unsigned char>(region[1])))
    return fail<unit>(errc::invalid_argument, "region must be an ISO 3166 code like \"US\"");
  std::string default_number;
  if (!req.default_number.empty()) {
    auto n = normalize_phone(req.default_number, region);
    if (!n) return result<unit>(n.error());
    default_number = *n;
  }
  if (req.settings.timezone) {
    if (auto ok = format_local_time(0, *req.settings.timezone); !ok)
      return fail<unit>(errc::invalid_argument,
                        "unknown time zone `" + *req.settings.timezone + "`");
  }
  auto rp = self_->make_response_promise<result<unit>>();
  if (region != dir_->region) {
    phone_cache_.clear();
    phone_cache_old_.clear();
  }
  change_directory(
      [&](directory& d) {
        d.name = req.name;
        d.region = region;
        d.default_number = default_number;
        auto& s = d.settings;
        const auto& p = req.settings;
        if (p.read_status) apply_read_mode(d, *p.read_status);
        if (p.visibility) s.visibility = *p.visibility;
        if (p.consent) s.consent = *p.consent;
        if (p.notify_sales) s.notify_sales = *p.notify_sales;
        if (p.notify_service) s.notify_service = *p.notify_service;
        if (p.timezone) s.timezone = *p.timezone;
        if (p.help_text) s.help_text = *p.help_text;
        if (p.opt_out_text) s.opt_out_text = *p.opt_out_text;
        if (p.opt_in_request_text) s.opt_in_request_text = *p.opt_in_request_text;
        if (p.opt_in_confirmation_text) s.opt_in_confirmation_text = *p.opt_in_confirmation_text;
        if (p.twilio_account_sid) s.twilio_account_sid = *p.twilio_account_sid;
        if (p.twilio_auth_token) s.twilio_auth_token = *p.twilio_auth_token;
      },
      [rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
  return rp;
}

caf::result<result<number_put_reply>> business_partition::number_put(const op_context& ctx,
                                                                     number_put_request& req) {
  if (auto ok = may_administer(*dir_, ctx.as); !ok) return result<number_put_reply>(ok.error());
  auto n = normalize_phone(req.number, dir_->region);
  if (!n) return result<number_put_reply>(n.error());
  auto rp = self_->make_response_promise<result<number_put_reply>>();
  auto number = *n;
  change_directory(
      [&](directory& d) {
        d.numbers[number] = number_info{number, req.location};
      },
      [rp, number](status s) mutable {
        if (!s)
          rp.deliver(result<number_put_reply>(s.error()));
        else
          rp.deliver(result<number_put_reply>(number_put_reply{number}));
      });
  return rp;
}

caf::result<result<unit>> business_partition::staff_put(const op_context& ctx,
                                                        staff_put_request& req) {
  if (auto ok = may_administer(*dir_, ctx.as); !ok) return result<unit>(ok.error());
  if (req.staff.empty()) return fail<unit>(errc::invalid_argument, "`staff` is required");
  if (!dir_->find_staff(req.staff) && dir_->staff.size() >= kMaxStaffPerBusiness)
    return fail<unit>(
        errc::invalid_argument,
        "a business has at most " + std::to_string(kMaxStaffPerBusiness) + " staff members");
  auto rp = self_->make_response_promise<result<unit>>();
  change_directory(
      [&](directory& d) {
        d.staff[req.staff] =
            staff_member{req.staff, req.name, req.rights, req.locations, req.subscribe_all};
      },
      [rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
  end_streams_if_unreadable(req.staff);
  return rp;
}

void business_partition::end_streams_if_unreadable(const std::string& staff) {
  auto* member = dir_->find_staff(staff);
  auto* inbox = inbox_of(staff);
  if (!inbox || inbox->subscribers.empty() || (member && member->has(right::view_messages))) return;
  staff_event last;
  last.kind = event_kind::closed;  // seq 0: not an event of the inbox, never replayed
  for (auto& sub : inbox->subscribers) {
    self_->send(sub, last);
    self_->demonitor(sub);
  }
  inbox->subscribers.clear();
}

caf::result<result<unit>> business_partition::template_put(const op_context& ctx,
                                                           template_put_request& req) {
  if (auto ok = may_administer(*dir_, ctx.as); !ok) return result<unit>(ok.error());
  if (req.name.empty())
    return result<unit>(make_error(errc::invalid_argument, "`template` is required"));
  if (auto ok = validate_body(req.body); !ok) return result<unit>(ok.error());
  auto next = std::make_shared<directory>(*dir_);
  next->templates[req.name] = text_template{req.name, req.body};
  set_directory(next);  // templates change no view: nothing to refresh
  begin_records();
  write(persistence::encode_record(persistence::directory_record{business_no_, *dir_}));
  auto rp = self_->make_response_promise<result<unit>>();
  finish([rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
  return rp;
}

caf::result<result<contact_put_reply>> business_partition::contact_put(const op_context& ctx,
                                                                       contact_put_request& req) {
  if (auto ok = may_administer(*dir_, ctx.as); !ok) return result<contact_put_reply>(ok.error());
  auto c = std::move(req.value);
  if (c.id.empty()) return fail<contact_put_reply>(errc::invalid_argument, "`contact` is required");
  std::vector<std::string> phones;
  for (auto& raw : c.phones) {
    auto p = normalize_phone(raw, dir_->region);
    if (!p) return result<contact_put_reply>(p.error());
    phones.push_back(*p);
  }
  c.phones = phones;
  auto id = c.id;
  begin_records();
  write(persistence::encode_record(persistence::contact_record{id_, c}));
  auto touched = contacts_.upsert(std::move(c));
  for (auto conv : relink(id, touched)) write_conversation(*convs_.at(conv), {});
  auto rp = self_->make_response_promise<result<contact_put_reply>>();
  finish([rp, id, phones](status s) mutable {
    if (!s)
      rp.deliver(result<contact_put_reply>(s.error()));
    else
      rp.deliver(result<contact_put_reply>(contact_put_reply{id, phones}));
  });
  return rp;
}

// Refreshes the card of conversations linked to `contact_id`, and links unlinked
// conversations whose phone now matches exactly one contact. Returns those it changed.
std::vector<conversation_id> business_partition::relink(const std::string& contact_id,
                                                        const std::vector<std::string>& phones) {
  std::vector<std::pair<conversation_id, std::optional<contact_card>>> links;
  for (auto id : conv_order_) {
    auto& c = *convs_.at(id);
    if (c.contact == contact_id) {
      auto* found = contacts_.find(contact_id);
      links.emplace_back(id, found ? std::optional<contact_card>(found->card()) : std::nullopt);
    }
  }
  for (auto& phone : phones) {
    auto range = by_phone_.equal_range(phone);
    for (auto it = range.first; it != range.second; ++it) {
      auto& c = *convs_.at(it->second);
      if (!c.contact.empty()) continue;
      if (auto* match = contacts_.single_match(phone)) {
        c.contact = match->id;
        links.emplace_back(it->second, match->card());
      }
    }
  }
  std::vector<conversation_id> out;
  for (auto& [id, card] : links) {
    auto& c = *convs_.at(id);
    auto before = viewers(c);
    auto facts = facts_of(c);
    c.state.link(std::move(card));
    changed(c, before, facts, nullptr, {});
    out.push_back(id);
  }
  return out;
}

// ---- conversations ----------------------------------------------------------------------

result<conversation_get_reply> business_partition::conversation_get(const op_context& ctx,
                                                                    conversation_get_request& req) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return who.error();
  auto* conv = find_conversation(req.conversation);
  if (!conv) return make_error(errc::not_found, "no such conversation");
  std::optional<contact_overview> overview;
  if (auto* c = contacts_.find(conv->contact)) {
    contact_overview o;
    o.value = *c;
    o.consent = consent_.get(conv->state.phone(), conv->state.number());
    for (auto& [id, other] : convs_)
      if (other->contact == c->id) ++o.conversations;
    overview = std::move(o);
  }
  auto* inbox = inbox_of(ctx.as);
  auto row = inbox ? index_.row(*who.value(), inbox->own, req.conversation, *dir_) : std::nullopt;
  if (!row) return make_error(errc::not_found, "no such conversation");
  return conversation_get_reply{std::move(*row), overview};
}

caf::result<result<messages_reply>> business_partition::conversation_messages(
    const op_context& ctx, messages_request& req) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return result<messages_reply>(who.error());
  if (auto ok = validate_limit(req.limit); !ok) return result<messages_reply>(ok.error());
  auto* c = find_conversation(req.conversation);
  if (!c) return fail<messages_reply>(errc::not_found, "no such conversation");
  const auto& dir = *dir_;
  if (index_.access_for(*who.value(), c->state.id(), dir) == access::none)
    return fail<messages_reply>(errc::not_found, "no such conversation");
  // Thread messages only (system texts are not shown), newest page first.
  const auto& all = c->state.messages();
  std::vector<const message*> page;
  for (auto it = all.rbegin(); it != all.rend() && page.size() <= req.limit; ++it) {
    if (!it->visible()) continue;
    if (req.before && it->id >= *req.before) continue;
    page.push_back(&*it);
  }
  messages_reply out;
  if (page.size() > req.limit) {
    page.pop_back();
    out.next_before = page.back()->id;
  }
  for (auto it = page.rbegin(); it != page.rend(); ++it) out.messages.push_back(**it);
  if (!req.mark_read) return result<messages_reply>(std::move(out));
  begin_records();
  auto before = viewers(*c);
  auto facts = facts_of(*c);
  c->state.mark_read(ctx.as, dir);
  changed(*c, before, facts, nullptr, {});
  write_conversation(*c, {});
  auto rp = self_->make_response_promise<result<messages_reply>>();
  finish([rp, out = std::move(out)](status s) mutable {
    if (!s)
      rp.deliver(result<messages_reply>(s.error()));
    else
      rp.deliver(result<messages_reply>(std::move(out)));
  });
  return rp;
}

// Runs one action and reports the acting staff member's row.
void business_partition::action(const op_context& ctx, const action_request& req, row_reply reply) {
  if (auto ok = validate(req); !ok) return reply(ok.error());
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return reply(who.error());
  const staff_member& staff = *who.value();
  auto* c = find_conversation(req.conversation);
  if (!c) return reply(make_error(errc::not_found, "no such conversation"));
  auto* inbox = inbox_of(ctx.as);
  const auto& dir = *dir_;
  const auto id = req.conversation;
  auto acc = index_.access_for(staff, id, dir);
  switch (req.action) {
    case conversation_action::pin:
    case conversation_action::unpin:
    case conversation_action::mute:
    case conversation_action::unmute: {
      // The inbox's own state: no conversation involved.
      if (!inbox || acc == access::none)
        return reply(make_error(errc::not_found, "no such conversation"));
      auto no = inbox_no_.at(ctx.as);
      bool on = req.action == conversation_action::pin || req.action == conversation_action::mute;
      bool is_pin =
          req.action == conversation_action::pin || req.action == conversation_action::unpin;
      // What this conversation adds to the viewer's badge, mutes applied.
      auto effective = [&](const viewer_set& v) {
        if (!in_group(no)) return v.each[no].contribution;
        return inbox->own.muted(id) ? badge{} : v.common.contribution;
      };
      auto before = effective(viewers(*c));
      bool flipped = is_pin ? inbox->own.set_pinned(id, on) : inbox->own.set_muted(id, on);
      if (flipped) {
        if (!is_pin) {
          auto& by = c->muted_by;
          if (on)
            by.push_back(no);
          else
            by.erase(std::remove(by.begin(), by.end(), no), by.end());
        }
        auto after = effective(viewers(*c));
        if (before != after) {
          inbox_note n{inbox_note::kind::badge, no, id};
          n.before = before;
          n.after = after;
          notes_.push_back(n);
        }
        notes_.push_back(inbox_note{inbox_note::kind::row, no, id});
      }
      begin_records();
      drain();
      auto row = *index_.row(staff, inbox->own, id, dir);
      if (!flipped) return reply(row);
      using change = persistence::inbox_record::change;
      change what = req.action == conversation_action::pin     ? change::pin
                    : req.action == conversation_action::unpin ? change::unpin
                    : req.action == conversation_action::mute  ? change::mute
                                                               : change::unmute;
      write(persistence::encode_record(persistence::inbox_record{id_, ctx.as, what, id, {}}));
      return finish([reply, row](status s) {
        if (s)
          reply(row);
        else
          reply(s.error());
      });
    }
    default:
      break;
  }
  std::optional<contact_card> card;
  std::string linked;
  if (req.action == conversation_action::link_contact) {
    auto* found = contacts_.find(req.contact);
    if (!found) return reply(make_error(errc::not_found, "no such contact"));
    card = found->card();
    linked = found->id;
  }
  if (acc == access::none) return reply(make_error(errc::not_found, "no such conversation"));
  if (auto ok = check_action_right(staff, req.action); !ok) return reply(ok.error());
  begin_records();
  std::vector<std::pair<std::uint16_t, alert_spec>> alerts;
  auto before = viewers(*c);
  auto facts = facts_of(*c);
  switch (req.action) {
    case conversation_action::mark_read:
      c->state.mark_read(ctx.as, dir);
      break;
    case conversation_action::mark_unread:
      c->state.mark_unread(ctx.as, dir);
      break;
    case conversation_action::archive:
    case conversation_action::unarchive:
      c->state.set_archived(req.action == conversation_action::archive);
      break;
    case conversation_action::hide:
      c->state.set_hidden(true);
      break;
    case conversation_action::assign:
    case conversation_action::unassign: {
      std::string target = req.action == conversation_action::assign ? req.staff : "";
      if (auto ok = check_assignee(dir, target); !ok) return reply(ok.error());
      auto alerted = assigned_alert_target(c->state.assignee(), target);
      c->state.set_assignee(target);
      if (alerted)
        if (auto it = inbox_no_.find(*alerted); it != inbox_no_.end())
          alerts.emplace_back(it->second, alert_spec{alert_kind::assigned, 0, op_time(ctx)});
      break;
    }
    case conversation_action::link_contact:
    case conversation_action::create_lead: {
      if (req.action == conversation_action::create_lead) {
        auto made = make_lead(contacts_, next_lead_, req.first_name, req.last_name, req.email,
                              c->state.phone());
        if (!made) return reply(made.error());
        contact lead = std::move(made.value());
        card = lead.card();
        linked = lead.id;
        // Journaled before the link that uses it.
        write(persistence::encode_record(persistence::contact_record{id_, lead}));
        contacts_.upsert(std::move(lead));
      }
      c->state.link(card);
      c->contact = linked;
      break;
    }
    default:
      return reply(make_error(errc::invalid_argument, "not a conversation action"));
  }
  changed(*c, before, facts, nullptr, alerts);
  write_conversation(*c, {});
  finish([this, reply, id, viewer = ctx.as](status s) {
    if (!s) return reply(s.error());
    auto* staff = dir_->find_staff(viewer);
    auto* inbox = inbox_of(viewer);
    auto* conv = find_conversation(id);
    if (!staff || !inbox || !conv)
      return reply(make_error(errc::not_found, "no such conversation"));
    if (auto row = index_.row(*staff, inbox->own, id, *dir_)) return reply(std::move(*row));
    // Out of the viewer's reach now (e.g. assigned away): their row as it would show.
    inbox_row r;
    r.view = conv->state.view_for(viewer, *dir_);
    r.current_folder = r.view.current_folder();
    r.unread_count = r.view.unread_count();
    r.pinned = inbox->own.pinned(id);
    r.muted = inbox->own.muted(id);
    reply(std::move(r));
  });
}

caf::result<result<inbox_row>> business_partition::conversation_action(const op_context& ctx,
                                                                       action_request& req) {
  auto rp = self_->make_response_promise<result<inbox_row>>();
  action(ctx, req, [rp](result<inbox_row> r) mutable { rp.deliver(std::move(r)); });
  return rp;
}

caf::result<result<bulk_reply>> business_partition::conversation_bulk(const op_context& ctx,
                                                                      bulk_request& req) {
  if (auto ok = validate(req); !ok) return result<bulk_reply>(ok.error());
  auto rp = self_->make_response_promise<result<bulk_reply>>();
  struct gather {
    bulk_reply out;
    std::size_t left = 0;
    caf::typed_response_promise<result<bulk_reply>> rp;
  };
  auto g = std::make_shared<gather>();
  g->out.results.resize(req.conversations.size());
  g->left = req.conversations.size();
  g->rp = rp;
  if (g->left == 0) {
    rp.deliver(result<bulk_reply>(std::move(g->out)));
    return rp;
  }
  for (std::size_t i = 0; i < req.conversations.size(); ++i) {
    g->out.results[i].conversation = req.conversations[i];
    action_request one;
    one.conversation = req.conversations[i];
    one.action = req.action;
    action(ctx, one, [g, i](result<inbox_row> r) {
      if (!r) g->out.results[i].failure = r.error();
      if (--g->left == 0) g->rp.deliver(result<bulk_reply>(std::move(g->out)));
    });
  }
  return rp;
}

// ---- inbox ------------------------------------------------------------------------------

result<inbox_page> business_partition::inbox_list(const op_context& ctx, inbox_query& q) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return who.error();
  // Naming another assignee needs manage_messages only where it reveals more: with
  // visibility `all` everyone sees every conversation anyway.
  bool may_manage =
      who.value()->has(right::manage_messages) || dir_->settings.visibility == visibility_mode::all;
  auto* inbox = inbox_of(ctx.as);
  if (!inbox) return make_error(errc::permission_denied, "unknown staff member `" + ctx.as + "`");
  return index_.list(q, *who.value(), inbox->own, *dir_, may_manage);
}

result<badge> business_partition::inbox_badge(const op_context& ctx, badge_request&) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return who.error();
  auto it = inbox_no_.find(ctx.as);
  return it == inbox_no_.end() ? badge{} : badge_of(it->second);
}

result<std::vector<alert>> business_partition::alerts_list(const op_context& ctx,
                                                           alerts_list_request& r) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return who.error();
  if (auto ok = validate_limit(r.limit); !ok) return ok.error();
  auto* inbox = inbox_of(ctx.as);
  return inbox ? inbox->own.alerts(r.limit) : std::vector<alert>{};
}

caf::result<result<unit>> business_partition::alerts_ack(const op_context& ctx,
                                                         alerts_ack_request& r) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return result<unit>(who.error());
  auto* inbox = inbox_of(ctx.as);
  if (!inbox) return fail<unit>(errc::not_found, "no such alert");
  auto ok = inbox->own.ack_alert(r.alert);
  if (!ok) return result<unit>(ok);
  alert a;
  a.id = r.alert;
  begin_records();
  write(persistence::encode_record(persistence::inbox_record{
      id_, ctx.as, persistence::inbox_record::change::alert_acked, 0, {a}}));
  auto rp = self_->make_response_promise<result<unit>>();
  finish([rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
  return rp;
}

result<std::uint64_t> business_partition::subscribe(const op_context& ctx, inbox_subscribe& sub) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return who.error();
  auto* inbox = inbox_of(ctx.as);
  if (!inbox) return make_error(errc::permission_denied, "unknown staff member `" + ctx.as + "`");
  // Replay what the subscriber missed, or tell it to refetch; then keep it posted.
  const event_window window{inbox->first_seq, inbox->next_seq - 1,
                            inbox->recent.empty() ? 0 : inbox->recent.front().seq};
  switch (plan_resume(sub.after_seq, window)) {
    case resume_plan::fresh:
      break;
    case resume_plan::replay:
      for (auto& ev : inbox->recent)
        if (ev.seq > sub.after_seq) self_->send(sub.subscriber, ev);
      break;
    case resume_plan::reset: {
      staff_event reset;
      reset.kind = event_kind::reset;
      reset.seq = inbox->next_seq - 1;  // resuming after it misses nothing more
      self_->send(sub.subscriber, reset);
      break;
    }
  }
  self_->monitor(sub.subscriber);
  inbox->subscribers.push_back(sub.subscriber);
  inbox->logging = true;
  watched_ = true;
  return inbox->next_seq - 1;
}

unit business_partition::unsubscribe(const op_context& ctx, inbox_unsubscribe& u) {
  if (auto* inbox = inbox_of(ctx.as)) {
    auto& subs = inbox->subscribers;
    subs.erase(std::remove(subs.begin(), subs.end(), u.subscriber), subs.end());
  }
  return unit{};
}

void business_partition::drop_subscriber(const caf::actor_addr& who) {
  for (auto& inbox : inboxes_) {
    auto& subs = inbox->subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const caf::actor& a) { return a.address() == who; }),
               subs.end());
  }
}

result<carrier_account> business_partition::carrier(const op_context&, carrier_account_request&) {
  const auto& s = dir_->settings;
  return carrier_account{id_, s.twilio_account_sid, s.twilio_auth_token};
}

result<staff_me_reply> business_partition::staff_me(const op_context& ctx, staff_me_request&) {
  auto who = msgcenter::acting_staff(*dir_, ctx.as, staff_lookup::me);
  if (!who) return who.error();
  const auto& s = dir_->settings;
  // Only what a client adapts to: never the carrier credentials or the consent texts.
  return staff_me_reply{*who.value(), id_, dir_->name, s.read_status, s.visibility, s.consent};
}

result<staff_list_reply> business_partition::staff_list(const op_context& ctx,
                                                        staff_list_request&) {
  auto who = msgcenter::acting_staff(*dir_, ctx.as, staff_lookup::staff_list);
  if (!who) return who.error();
  staff_list_reply out;
  out.staff.reserve(dir_->staff.size());
  for (const auto& [id, member] : dir_->staff) out.staff.push_back({id, member.name});
  return out;
}

result<template_list_reply> business_partition::template_list(const op_context& ctx,
                                                              template_list_request&) {
  auto who = msgcenter::acting_staff(*dir_, ctx.as, staff_lookup::template_list);
  if (!who) return who.error();
  template_list_reply out;
  out.business_name = dir_->name;
  for (const auto& [name, t] : dir_->templates) out.templates.push_back(t);
  return out;
}

result<folder_counts> business_partition::inbox_counts(const op_context& ctx,
                                                       inbox_counts_request& req) {
  auto who = msgcenter::acting_staff(*dir_, ctx.as, staff_lookup::counts);
  if (!who) return who.error();
  // The same assignee rule as inbox_list.
  bool may_manage =
      who.value()->has(right::manage_messages) || dir_->settings.visibility == visibility_mode::all;
  auto* inbox = inbox_of(ctx.as);
  if (!inbox) return make_error(errc::permission_denied, "unknown staff member `" + ctx.as + "`");
  return index_.counts(req.query, *who.value(), inbox->own, *dir_, may_manage);
}

result<unit> business_partition::presence(const op_context& ctx, presence_request& req) {
  auto who = msgcenter::acting_staff(*dir_, ctx.as, staff_lookup::presence);
  if (!who) return who.error();
  const auto& me = *who.value();
  if (!find_conversation(req.conversation) ||
      index_.access_for(me, req.conversation, *dir_) == access::none)
    return make_error(errc::not_found, "no such conversation");
  staff_event ev;
  ev.kind = event_kind::presence;
  ev.seq = 0;  // ephemeral: outside the resumable sequence
  ev.presence_value = presence_note{req.conversation, me.id, me.name, req.state, kPresenceTtlMs};
  for (std::size_t i = 0; i < inboxes_.size(); ++i) {
    auto& inbox = *inboxes_[i];
    const auto* staff = staff_of_[i];
    if (inbox.subscribers.empty() || !staff) continue;
    if (!hears_presence(index_.access_for(*staff, req.conversation, *dir_), staff->id == me.id))
      continue;
    for (auto& sub : inbox.subscribers) self_->send(sub, ev);
  }
  return unit{};
}

result<unit> business_partition::authorize(const op_context& ctx, authorize_request& req) {
  auto who = acting_staff(ctx, req.needed);
  if (!who) return who.error();
  return unit{};
}

// ---- history and export -----------------------------------------------------------------

result<history_reply> business_partition::contact_history(const op_context& ctx,
                                                          history_request& req) {
  auto who = acting_staff(ctx, right::view_messages);
  if (!who) return who.error();
  if (auto ok = validate_limit(req.limit); !ok) return ok.error();
  auto* c = contacts_.find(req.contact);
  if (!c) return make_error(errc::not_found, "no such contact");
  const staff_member& staff = *who.value();
  std::vector<const conversation_entity*> matched;
  for (auto id : conv_order_) {
    auto& conv = *convs_.at(id);
    // Locations apply; visibility does not (spec: history stays readable to everyone).
    if (!in_contact_history(staff, conv.state.location())) continue;
    if (conv.contact != c->id &&
        std::find(c->phones.begin(), c->phones.end(), conv.state.phone()) == c->phones.end())
      continue;
    matched.push_back(&conv);
  }
  // Newest first by (time, id). Within a conversation messages are in id order and times
  // never go backwards, so each conversation is read from its end and gives at most
  // limit + 1 messages: a page copies O(conversations x limit), never a whole history (M9).
  using position = std::pair<millis, message_id>;
  std::optional<position> bound;
  if (req.before) {
    for (auto* conv : matched) {
      const auto& ms = conv->state.messages();
      auto it = std::lower_bound(ms.begin(), ms.end(), *req.before,
                                 [](const message& m, message_id id) { return m.id < id; });
      if (it != ms.end() && it->id == *req.before) bound = position{it->at, it->id};
    }
    if (!bound)
      return make_error(errc::invalid_argument, "`before` is not a message of this history");
  }
  history_reply out;
  for (auto* conv : matched) {
    const auto& ms = conv->state.messages();
    // Start below the cursor by binary search, so a deep page costs no more than the first.
    auto end = !bound ? ms.end()
                      : std::lower_bound(ms.begin(), ms.end(), *bound,
                                         [](const message& m, const position& b) {
                                           return position{m.at, m.id} < b;
                                         });
    std::size_t taken = 0;
    for (auto it = std::make_reverse_iterator(end); it != ms.rend() && taken <= req.limit; ++it) {
      if (!it->visible()) continue;
      out.messages.push_back(*it);
      ++taken;
    }
  }
  std::sort(out.messages.begin(), out.messages.end(), [](const message& a, const message& b) {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  });
  if (out.messages.size() > req.limit) {
    out.messages.resize(req.limit);
    out.next_before = out.messages.back().id;
  }
  return out;
}

result<export_reply> business_partition::export_csv(const op_context& ctx, export_request& req) {
  auto who = acting_staff(ctx, right::export_);
  if (!who) return who.error();
  std::vector<const conversation_entity*> convs;
  if (req.conversation) {
    auto* c = find_conversation(*req.conversation);
    if (!c) return make_error(errc::not_found, "no such conversation");
    if (auto ok = may_export_conversation(index_.access_for(*who.value(), c->state.id(), *dir_));
        !ok)
      return ok.error();
    convs.push_back(c);
  } else {
    for (auto id : conv_order_) convs.push_back(convs_.at(id).get());
  }
  struct row_ref {
    const message* m;
    const conversation_entity* conv;
  };
  // One page: the `limit` messages after `after`, by id, merged from every conversation
  // (each one's messages are in id order): O(conversations x log + limit x log) per page.
  const std::size_t limit = std::max<std::size_t>(1, req.limit);
  using cursor = std::pair<const message*, const message*>;  // next, end
  auto later = [](const std::pair<cursor, const conversation_entity*>& a,
                  const std::pair<cursor, const conversation_entity*>& b) {
    return a.first.first->id > b.first.first->id;
  };
  std::vector<std::pair<cursor, const conversation_entity*>> heap;
  for (auto* c : convs) {
    const auto& ms = c->state.messages();
    auto from = std::upper_bound(ms.begin(), ms.end(), req.after,
                                 [](message_id id, const message& m) { return id < m.id; });
    if (from != ms.end()) heap.push_back({{&*from, ms.data() + ms.size()}, c});
  }
  std::make_heap(heap.begin(), heap.end(), later);
  std::vector<row_ref> rows;
  while (!heap.empty() && rows.size() < limit) {
    std::pop_heap(heap.begin(), heap.end(), later);
    auto& [cur, conv] = heap.back();
    rows.push_back({cur.first, conv});
    if (++cur.first == cur.second)
      heap.pop_back();
    else
      std::push_heap(heap.begin(), heap.end(), later);
  }
  const message_id next = heap.empty() || rows.empty() ? 0 : rows.back().m->id;
  const auto& tz = dir_->settings.timezone;
  csv_writer w;
  if (req.after == 0)
    w.row(std::vector<std::string_view>(std::begin(kExportColumns), std::end(kExportColumns)));
  for (auto& r : rows) {
    auto when = format_local_time(r.m->at, tz);
    auto id = message_key(r.m->id);
    auto thread = conversation_key(r.conv->state.id());
    std::string name;
    if (const auto& card = r.conv->state.contact()) {
      auto* c = contacts_.find(card->id);
      name = c ? c->full_name() : card->full_name();
    }
    bool in = r.m->dir == direction::in;
    const auto& phone = r.conv->state.phone();
    const auto& number = r.conv->state.number();
    // Text from outside (names, bodies) cannot start a spreadsheet formula (OWASP).
    // (Copied only when a quote is added.)
    if (looks_like_formula(name)) name = neutralize_formula(name);
    std::string quoted_body;
    std::string_view body = r.m->body;
    if (looks_like_formula(body)) body = quoted_body = neutralize_formula(body);
    w.row({id, thread, when ? when->date : "", when ? when->time : "", name, in ? phone : number,
           in ? number : phone, to_string(r.m->dir), to_string(r.m->kind), to_string(r.m->status),
           body});
  }
  return export_reply{w.take(), next};
}

}  // namespace msgcenter::actors
