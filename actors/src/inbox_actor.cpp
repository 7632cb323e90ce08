#include "msgcenter/actors/inbox_actor.hpp"

#include <algorithm>
#include <deque>
#include <vector>

#include "msgcenter/actors/message_types.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::actors {
namespace {

struct inbox_state {
  inbox_state(caf::event_based_actor* self, std::string biz, std::string staff,
              std::shared_ptr<journal_port> port)
      : business(std::move(biz)), view(std::move(staff)), journal(self, std::move(port)) {}
  std::string business;
  inbox_view view;
  durability journal;
  std::vector<caf::actor> subscribers;
  std::deque<staff_event> recent;  ///< the last kEventsKept events, for resume
  std::uint64_t next_seq = 1;
  /// Events are kept from the first subscription on: an inbox nobody ever watched (bulk
  /// ingest, staff offline since the start) does not pay for building them.
  bool logging = false;
};

// Appends an event to the log and pushes it to every subscriber, in order.
void emit(caf::event_based_actor* self, inbox_state& st, staff_event ev) {
  if (!st.logging) return;
  ev.seq = st.next_seq++;
  for (auto& sub : st.subscribers) self->send(sub, ev);
  st.recent.push_back(std::move(ev));
  if (st.recent.size() > kEventsKept) st.recent.pop_front();
}

void emit_row(caf::event_based_actor* self, inbox_state& st, conversation_id id) {
  if (!st.logging) return;
  staff_event ev;
  ev.kind = event_kind::conversation;
  ev.row = st.view.row(id);
  if (!ev.row) ev.removed = id;
  emit(self, st, std::move(ev));
}

void emit_badge_if_changed(caf::event_based_actor* self, inbox_state& st, const badge& before) {
  if (!st.logging) return;
  if (st.view.current_badge() == before) return;
  staff_event ev;
  ev.kind = event_kind::badge;
  ev.badge_value = st.view.current_badge();
  emit(self, st, std::move(ev));
}

std::string change_record(const inbox_state& st, persistence::inbox_record::change what,
                          conversation_id conv, std::vector<alert> alerts = {}) {
  return persistence::encode_record(
      persistence::inbox_record{st.business, st.view.staff_id(), what, conv, std::move(alerts)});
}

// Applies one conversation's update: view, `message` events, alerts (returned, to persist).
void apply_update(caf::event_based_actor* self, inbox_state& st, inbox_update& up,
                  std::vector<alert>& raised) {
  auto id = up.view.id;
  bool changed = st.view.apply(std::move(up.view), up.acc);
  if (up.acc == access::visible && up.new_messages && st.logging) {
    for (auto& m : *up.new_messages) {
      staff_event ev;
      ev.kind = event_kind::message;
      ev.msg = m;
      emit(self, st, std::move(ev));
    }
  }
  if (changed) emit_row(self, st, id);
  if (up.acc != access::visible) return;
  for (auto& a : up.alerts) {
    if (auto al = st.view.raise_alert(a.kind, id, a.message, a.at)) {
      raised.push_back(*al);
      staff_event ev;
      ev.kind = event_kind::alert;
      ev.alert_value = *al;
      emit(self, st, std::move(ev));
    }
  }
}

// Acknowledges updates once the alerts they raised (the inbox's own state) are durable.
caf::result<unit> ack_after(caf::event_based_actor* self, inbox_state& st,
                            std::vector<alert> raised) {
  if (raised.empty() || !st.journal.durable()) return unit{};
  auto rp = self->make_response_promise<unit>();
  st.journal.write(
      change_record(st, persistence::inbox_record::change::alert_raised, 0, std::move(raised)),
      [rp](status) mutable { rp.deliver(unit{}); });  // failures surface in the store
  return rp;
}

caf::behavior inbox_behavior(caf::event_based_actor* self, std::shared_ptr<inbox_state> st) {
  return {
      [=](journal_ack& ack) { st->journal.on_ack(ack); },
      [=](inbox_update& up) -> caf::result<unit> {
        auto before = st->view.current_badge();
        std::vector<alert> raised;
        apply_update(self, *st, up, raised);
        emit_badge_if_changed(self, *st, before);
        return ack_after(self, *st, std::move(raised));
      },
      [=](inbox_batch& batch) -> caf::result<unit> {
        auto before = st->view.current_badge();
        std::vector<alert> raised;
        for (auto& up : batch.updates) apply_update(self, *st, up, raised);
        emit_badge_if_changed(self, *st, before);
        return ack_after(self, *st, std::move(raised));
      },
      [=](inbox_list_cmd& cmd) -> result<inbox_page> {
        return st->view.list(cmd.query, cmd.may_manage);
      },
      [=](badge_request&) -> result<badge> { return st->view.current_badge(); },
      [=](alerts_list_request& r) -> result<std::vector<alert>> {
        if (r.limit < 1 || r.limit > kMaxPageSize)
          return make_error(errc::invalid_argument, "limit must be between 1 and 500");
        return st->view.alerts(r.limit);
      },
      [=](alerts_ack_request& r) -> caf::result<result<unit>> {
        auto ok = st->view.ack_alert(r.alert);
        if (!ok) return result<unit>(ok);
        auto rp = self->make_response_promise<result<unit>>();
        alert a;
        a.id = r.alert;
        st->journal.write(
            change_record(*st, persistence::inbox_record::change::alert_acked, 0, {a}),
            [rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
        return rp;
      },
      [=](inbox_flag_cmd& cmd) -> caf::result<result<inbox_row>> {
        if (st->view.access_to(cmd.conversation) == access::none)
          return result<inbox_row>(make_error(errc::not_found, "no such conversation"));
        auto before = st->view.current_badge();
        bool changed = false;
        switch (cmd.action) {
          case conversation_action::pin:
            changed = st->view.set_pinned(cmd.conversation, true);
            break;
          case conversation_action::unpin:
            changed = st->view.set_pinned(cmd.conversation, false);
            break;
          case conversation_action::mute:
            changed = st->view.set_muted(cmd.conversation, true);
            break;
          case conversation_action::unmute:
            changed = st->view.set_muted(cmd.conversation, false);
            break;
          default:
            return result<inbox_row>(make_error(errc::invalid_argument, "not an inbox action"));
        }
        if (changed) emit_row(self, *st, cmd.conversation);
        emit_badge_if_changed(self, *st, before);
        auto row = *st->view.row(cmd.conversation);
        if (!changed) return result<inbox_row>(row);
        using change = persistence::inbox_record::change;
        change what = cmd.action == conversation_action::pin     ? change::pin
                      : cmd.action == conversation_action::unpin ? change::unpin
                      : cmd.action == conversation_action::mute  ? change::mute
                                                                 : change::unmute;
        auto rp = self->make_response_promise<result<inbox_row>>();
        st->journal.write(change_record(*st, what, cmd.conversation), [rp, row](status s) mutable {
          if (s)
            rp.deliver(result<inbox_row>(row));
          else
            rp.deliver(result<inbox_row>(s.error()));
        });
        return rp;
      },
      [=](inbox_row_cmd& cmd) -> result<inbox_row> {
        if (auto row = st->view.row(cmd.conversation)) return *row;
        if (!cmd.fallback) return make_error(errc::not_found, "no such conversation");
        inbox_row r;
        r.view = *cmd.fallback;
        r.current_folder = r.view.current_folder();
        r.unread_count = r.view.unread_count();
        r.pinned = st->view.pinned(cmd.conversation);
        r.muted = st->view.muted(cmd.conversation);
        return r;
      },
      [=](inbox_subscribe& sub) -> result<std::uint64_t> {
        // Replay what the subscriber missed, then keep it posted.
        if (sub.after_seq > 0) {
          for (auto& ev : st->recent)
            if (ev.seq > sub.after_seq) self->send(sub.subscriber, ev);
        }
        self->monitor(sub.subscriber);
        st->subscribers.push_back(sub.subscriber);
        st->logging = true;
        return st->next_seq - 1;
      },
      [=](inbox_unsubscribe& u) -> unit {
        auto& subs = st->subscribers;
        subs.erase(std::remove(subs.begin(), subs.end(), u.subscriber), subs.end());
        return unit{};
      },
  };
}

}  // namespace

caf::actor spawn_inbox_actor(caf::actor_system& sys, std::string business, std::string staff_id,
                             std::shared_ptr<journal_port> journal,
                             const persistence::recovered_inbox* saved) {
  std::shared_ptr<const persistence::recovered_inbox> seed;
  if (saved) seed = std::make_shared<persistence::recovered_inbox>(*saved);
  // State travels as spawn arguments: CAF 0.17 dereferences a null argument tuple for
  // argument-less function actors (UBSan reports it).
  return sys.spawn(
      [](caf::event_based_actor* self, std::string business, std::string staff_id,
         std::shared_ptr<journal_port> journal,
         std::shared_ptr<const persistence::recovered_inbox> seed) {
        auto st = std::make_shared<inbox_state>(self, business, staff_id, journal);
        if (seed) {
          for (auto id : seed->pins) st->view.set_pinned(id, true);
          for (auto id : seed->mutes) st->view.set_muted(id, true);
          for (auto& [id, a] : seed->alerts) st->view.restore_alert(a);
        }
        self->set_down_handler([=](caf::down_msg& dm) {
          auto& subs = st->subscribers;
          subs.erase(std::remove_if(subs.begin(), subs.end(),
                                    [&](const caf::actor& a) { return a.address() == dm.source; }),
                     subs.end());
        });
        return inbox_behavior(self, st);
      },
      std::move(business), std::move(staff_id), std::move(journal), std::move(seed));
}

}  // namespace msgcenter::actors
