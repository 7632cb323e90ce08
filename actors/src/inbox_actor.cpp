#include "msgcenter/actors/inbox_actor.hpp"

#include <algorithm>
#include <deque>
#include <vector>

#include "msgcenter/actors/message_types.hpp"
#include "msgcenter/core/inbox.hpp"

namespace msgcenter::actors {
namespace {

struct inbox_state {
  explicit inbox_state(std::string staff) : view(std::move(staff)) {}
  inbox_view view;
  std::vector<caf::actor> subscribers;
  std::deque<staff_event> recent;  ///< the last kEventsKept events, for resume
  std::uint64_t next_seq = 1;
};

// Appends an event to the log and pushes it to every subscriber, in order.
void emit(caf::event_based_actor* self, inbox_state& st, staff_event ev) {
  ev.seq = st.next_seq++;
  for (auto& sub : st.subscribers) self->send(sub, ev);
  st.recent.push_back(std::move(ev));
  if (st.recent.size() > kEventsKept) st.recent.pop_front();
}

void emit_row(caf::event_based_actor* self, inbox_state& st, conversation_id id) {
  staff_event ev;
  ev.kind = event_kind::conversation;
  ev.row = st.view.row(id);
  if (!ev.row) ev.removed = id;
  emit(self, st, std::move(ev));
}

void emit_badge_if_changed(caf::event_based_actor* self, inbox_state& st, const badge& before) {
  if (st.view.current_badge() == before) return;
  staff_event ev;
  ev.kind = event_kind::badge;
  ev.badge_value = st.view.current_badge();
  emit(self, st, std::move(ev));
}

caf::behavior inbox_behavior(caf::event_based_actor* self, std::shared_ptr<inbox_state> st) {
  return {
      [=](inbox_update& up) -> unit {
        auto before = st->view.current_badge();
        bool changed = st->view.apply(up.view, up.acc);
        if (up.acc == access::visible) {
          for (auto& m : up.new_messages) {
            staff_event ev;
            ev.kind = event_kind::message;
            ev.msg = std::move(m);
            emit(self, *st, std::move(ev));
          }
        }
        if (changed) emit_row(self, *st, up.view.id);
        for (auto& a : up.alerts) {
          if (up.acc != access::visible) continue;
          if (auto raised = st->view.raise_alert(a.kind, up.view.id, a.message, a.at)) {
            staff_event ev;
            ev.kind = event_kind::alert;
            ev.alert_value = *raised;
            emit(self, *st, std::move(ev));
          }
        }
        emit_badge_if_changed(self, *st, before);
        return unit{};
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
      [=](alerts_ack_request& r) -> result<unit> { return st->view.ack_alert(r.alert); },
      [=](inbox_flag_cmd& cmd) -> result<inbox_row> {
        if (st->view.access_to(cmd.conversation) == access::none)
          return make_error(errc::not_found, "no such conversation");
        auto before = st->view.current_badge();
        bool changed = false;
        switch (cmd.action) {
          case conversation_action::pin: changed = st->view.set_pinned(cmd.conversation, true); break;
          case conversation_action::unpin: changed = st->view.set_pinned(cmd.conversation, false); break;
          case conversation_action::mute: changed = st->view.set_muted(cmd.conversation, true); break;
          case conversation_action::unmute: changed = st->view.set_muted(cmd.conversation, false); break;
          default: return make_error(errc::invalid_argument, "not an inbox action");
        }
        if (changed) emit_row(self, *st, cmd.conversation);
        emit_badge_if_changed(self, *st, before);
        return *st->view.row(cmd.conversation);
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

caf::actor spawn_inbox_actor(caf::actor_system& sys, std::string staff_id) {
  // State travels as a spawn argument: CAF 0.17 dereferences a null argument tuple for
  // argument-less function actors (UBSan reports it).
  return sys.spawn([](caf::event_based_actor* self, std::string staff_id) {
    auto st = std::make_shared<inbox_state>(staff_id);
    self->set_down_handler([=](caf::down_msg& dm) {
      auto& subs = st->subscribers;
      subs.erase(std::remove_if(subs.begin(), subs.end(),
                                [&](const caf::actor& a) { return a.address() == dm.source; }),
                 subs.end());
    });
    return inbox_behavior(self, st);
  }, std::move(staff_id));
}

}  // namespace msgcenter::actors
