#include "msgcenter/actors/conversation_actor.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "msgcenter/actors/message_types.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::actors {
namespace {

struct conversation_host {
  conversation_host(caf::event_based_actor* self, std::string biz, conversation_state s,
                    business_context c, std::shared_ptr<journal_port> port)
      : business(std::move(biz)),
        state(std::move(s)),
        ctx(std::move(c)),
        journal(self, std::move(port)) {}
  std::string business;
  conversation_state state;
  business_context ctx;
  durability journal;
  std::set<std::string> known_by;  ///< staff whose inbox currently holds this conversation
  std::uint64_t version = 0;       ///< stamps each propagated view (newest wins in inboxes)
};

/// Per-staff extras of one propagation.
struct extras {
  std::map<std::string, std::vector<alert_spec>> alerts;
  std::vector<message> new_messages;
};

using inbox_updates = std::vector<std::pair<caf::actor, inbox_update>>;

// The latest view for the inboxes of `only` (empty: everyone who can reach the
// conversation, or could until now), each stamped with a new version.
inbox_updates build_updates(conversation_host& h, const std::vector<std::string>& only, extras ex) {
  const auto& dir = *h.ctx.dir;
  inbox_updates sends;
  sends.reserve(only.empty() ? dir.staff.size() : only.size());
  const auto version = ++h.version;
  const auto subject = h.state.subject(dir.settings);  // owners: computed once, not per staff
  // One view, copied per staff member with their own read point.
  auto base = h.state.view_for("", dir);
  base.version = version;
  std::shared_ptr<const std::vector<message>> shared_messages;
  auto consider = [&](const std::string& staff_id, const staff_member* staff) {
    auto inbox = h.ctx.inboxes->find(staff_id);
    if (inbox == h.ctx.inboxes->end()) return;
    access acc = staff ? access_of(*staff, subject, dir.settings) : access::none;
    bool known = h.known_by.count(staff_id) > 0;
    if (acc == access::none && !known) return;
    if (acc == access::none)
      h.known_by.erase(staff_id);
    else if (!known)
      h.known_by.insert(staff_id);
    inbox_update up;
    up.view = base;
    up.view.read = h.state.read_point_for(staff_id, dir);
    up.acc = acc;
    if (auto it = ex.alerts.find(staff_id); it != ex.alerts.end())
      up.alerts = std::move(it->second);
    if (acc == access::visible && (shared_messages || !ex.new_messages.empty())) {
      if (!shared_messages)
        shared_messages = std::make_shared<const std::vector<message>>(std::move(ex.new_messages));
      up.new_messages = shared_messages;
    }
    sends.emplace_back(inbox->second, std::move(up));
  };
  if (only.empty()) {
    for (auto& [id, s] : dir.staff) consider(id, &s);
    // Staff who knew it but left the directory: tell them it is gone.
    std::vector<std::string> gone;
    for (auto& id : h.known_by)
      if (!dir.staff.count(id)) gone.push_back(id);
    for (auto& id : gone) consider(id, nullptr);
  } else {
    for (auto& id : only) consider(id, dir.find_staff(id));
  }
  return sends;
}

// Sends updates to their inboxes and calls `done` once all of them acknowledged.
void send_updates(caf::event_based_actor* self, inbox_updates sends, std::function<void()> done) {
  if (sends.empty()) {
    done();
    return;
  }
  auto pending = std::make_shared<std::size_t>(sends.size());
  auto finish = std::make_shared<std::function<void()>>(std::move(done));
  for (auto& [inbox, up] : sends) {
    self->request(inbox, caf::infinite, std::move(up))
        .then(
            [=](unit) {
              if (--*pending == 0) (*finish)();
            },
            [=](caf::error&) {
              // A vanished inbox (staff removed) must not block the reply.
              if (--*pending == 0) (*finish)();
            });
  }
}

// Makes a change durable and visible: writes the conversation record (header plus the
// `changed` messages) and updates the inboxes at the same time; `done` runs once both are
// finished, with the journal's outcome.
void propagate(caf::event_based_actor* self, conversation_host& h,
               const std::vector<std::string>& only, extras ex, std::function<void()> done) {
  send_updates(self, build_updates(h, only, std::move(ex)), std::move(done));
}

// Writes the conversation record (header plus the `changed` messages); `done` gets the
// journal's outcome (at once without a journal).
void persist(conversation_host& h, std::vector<message> changed, std::function<void(status)> done) {
  if (!h.journal.durable()) return done(unit{});
  auto rec = persistence::encode_record(
      persistence::conversation_record{h.business, h.state.image(), std::move(changed)});
  h.journal.write(std::move(rec), std::move(done));
}

void commit(caf::event_based_actor* self, conversation_host& h,
            const std::vector<std::string>& only, extras ex, std::vector<message> changed,
            std::function<void(status)> done) {
  auto outcome = std::make_shared<status>(unit{});
  auto left = std::make_shared<int>(2);
  auto finish = [outcome, left, done = std::move(done)]() {
    if (--*left == 0) done(*outcome);
  };
  persist(h, std::move(changed), [outcome, finish](status s) {
    *outcome = std::move(s);
    finish();
  });
  propagate(self, h, only, std::move(ex), finish);
}

// Appends `messages` (oldest first) and collects the new thread messages and the alerts
// they raise; returns the messages as stored.
std::vector<message> append_all(conversation_host& h, std::vector<message>& messages, extras& ex) {
  const auto& dir = *h.ctx.dir;
  std::vector<message> stored;
  stored.reserve(messages.size());
  for (auto& m : messages) {
    auto fx = h.state.append(std::move(m), dir);
    const message& kept = h.state.messages().back();
    stored.push_back(kept);
    if (!fx.visible) continue;
    ex.new_messages.push_back(kept);
    if (kept.dir == direction::in) {
      auto subject = h.state.subject(dir.settings);
      for (auto& staff : inbound_alert_recipients(dir, subject, h.state.last_manual_sender()))
        ex.alerts[staff].push_back({alert_kind::message, kept.id, kept.at});
    }
  }
  return stored;
}

caf::behavior conversation_behavior(caf::event_based_actor* self,
                                    std::shared_ptr<conversation_host> h) {
  return {
      [=](journal_ack& ack) { h->journal.on_ack(ack); },
      [=](conv_refresh_part& r) {
        h->ctx = std::move(r.refresh.ctx);
        auto to = caf::actor_cast<caf::actor>(self->current_sender());
        auto token = r.token;
        propagate(self, *h, r.refresh.only_staff, {},
                  [self, to, token]() { self->send(to, conv_refreshed{token}); });
      },
      [=](conv_append_part& a) {
        extras ex;
        auto stored = append_all(*h, a.messages, ex);
        auto reply = std::make_shared<conv_append_reply>();
        reply->stored = stored;
        reply->updates = build_updates(*h, {}, std::move(ex));
        auto to = caf::actor_cast<caf::actor>(self->current_sender());
        auto token = a.token;
        persist(*h, std::move(stored), [self, to, token, reply](status s) {
          if (s)
            self->send(to, conv_appended{token, result<conv_append_reply>(std::move(*reply))});
          else
            self->send(to, conv_appended{token, result<conv_append_reply>(s.error())});
        });
      },
      [=](conv_append& a) -> caf::response_promise {
        extras ex;
        auto stored = append_all(*h, a.messages, ex);
        auto rp = self->make_response_promise();
        commit(self, *h, {}, std::move(ex), stored, [rp, stored](status s) mutable {
          if (s)
            rp.deliver(result<std::vector<message>>(std::move(stored)));
          else
            rp.deliver(result<std::vector<message>>(s.error()));
        });
        return rp;
      },
      [=](conv_command& c) -> caf::result<result<conversation_view>> {
        const auto& dir = *h->ctx.dir;
        auto* staff = dir.find_staff(c.staff);
        if (!staff || h->state.access_for(*staff, dir) == access::none)
          return result<conversation_view>(make_error(errc::not_found, "no such conversation"));
        auto need = [&](right r) { return staff->has(r); };
        std::vector<std::string> only;  // empty: everyone
        extras ex;
        switch (c.action) {
          case conversation_action::mark_read:
            h->state.mark_read(c.staff, dir);
            if (dir.settings.read_status == read_status_mode::per_staff) only = {c.staff};
            break;
          case conversation_action::mark_unread:
            h->state.mark_unread(c.staff, dir);
            if (dir.settings.read_status == read_status_mode::per_staff) only = {c.staff};
            break;
          case conversation_action::archive:
          case conversation_action::unarchive:
            if (!need(right::manage_messages))
              return result<conversation_view>(
                  make_error(errc::permission_denied, "archive needs manage_messages"));
            h->state.set_archived(c.action == conversation_action::archive);
            break;
          case conversation_action::hide:
            if (!need(right::remove_feed))
              return result<conversation_view>(
                  make_error(errc::permission_denied, "hide needs remove_feed"));
            h->state.set_hidden(true);
            break;
          case conversation_action::assign:
          case conversation_action::unassign: {
            if (!need(right::manage_messages))
              return result<conversation_view>(
                  make_error(errc::permission_denied, "assignment needs manage_messages"));
            std::string target = c.action == conversation_action::assign ? c.assignee : "";
            if (!target.empty() && !dir.find_staff(target))
              return result<conversation_view>(make_error(errc::not_found, "no such staff member"));
            bool changed = h->state.assignee() != target;
            h->state.set_assignee(target);
            if (changed && !target.empty())
              ex.alerts[target].push_back({alert_kind::assigned, 0, c.at});
            break;
          }
          case conversation_action::link_contact:
          case conversation_action::create_lead:
            if (!need(right::manage_messages))
              return result<conversation_view>(
                  make_error(errc::permission_denied, "linking needs manage_messages"));
            h->state.link(c.contact);
            break;
          default:
            return result<conversation_view>(
                make_error(errc::invalid_argument, "not a conversation action"));
        }
        auto rp = self->make_response_promise<result<conversation_view>>();
        auto viewer = c.staff;
        commit(self, *h, only, std::move(ex), {}, [=](status s) mutable {
          if (!s)
            rp.deliver(result<conversation_view>(s.error()));
          else
            rp.deliver(result<conversation_view>(h->state.view_for(viewer, *h->ctx.dir)));
        });
        return rp;
      },
      [=](conv_link& l) -> caf::result<unit> {
        h->state.link(std::move(l.contact));
        auto rp = self->make_response_promise<unit>();
        commit(self, *h, {}, {}, {}, [rp](status) mutable { rp.deliver(unit{}); });
        return rp;
      },
      [=](conv_read& r) -> caf::result<result<messages_reply>> {
        const auto& dir = *h->ctx.dir;
        auto* staff = dir.find_staff(r.staff);
        if (!staff || h->state.access_for(*staff, dir) == access::none)
          return result<messages_reply>(make_error(errc::not_found, "no such conversation"));
        if (r.args.limit < 1 || r.args.limit > kMaxPageSize)
          return result<messages_reply>(
              make_error(errc::invalid_argument, "limit must be between 1 and 500"));
        // Thread messages only (system texts are not shown), newest page first.
        const auto& all = h->state.messages();
        std::vector<const message*> page;
        for (auto it = all.rbegin(); it != all.rend() && page.size() <= r.args.limit; ++it) {
          if (!it->visible()) continue;
          if (r.args.before && it->id >= *r.args.before) continue;
          page.push_back(&*it);
        }
        messages_reply out;
        if (page.size() > r.args.limit) {
          page.pop_back();
          out.next_before = page.back()->id;
        }
        for (auto it = page.rbegin(); it != page.rend(); ++it) out.messages.push_back(**it);
        if (!r.args.mark_read) return result<messages_reply>(std::move(out));
        h->state.mark_read(r.staff, dir);
        std::vector<std::string> only;
        if (dir.settings.read_status == read_status_mode::per_staff) only = {r.staff};
        auto rp = self->make_response_promise<result<messages_reply>>();
        commit(self, *h, only, {}, {}, [rp, out](status s) mutable {
          if (!s)
            rp.deliver(result<messages_reply>(s.error()));
          else
            rp.deliver(result<messages_reply>(std::move(out)));
        });
        return rp;
      },
      [=](conv_access& a) -> access {
        const auto& dir = *h->ctx.dir;
        auto* staff = dir.find_staff(a.staff);
        return staff ? h->state.access_for(*staff, dir) : access::none;
      },
      [=](conv_status& s) -> caf::result<result<message>> {
        if (!h->state.update_status(s.id, s.status, s.error_code))
          return result<message>(make_error(errc::not_found, "no such message"));
        message m = *h->state.find(s.id);
        auto rp = self->make_response_promise<result<message>>();
        commit(self, *h, {}, {}, {m}, [rp, m](status st) mutable {
          if (!st)
            rp.deliver(result<message>(st.error()));
          else
            rp.deliver(result<message>(m));
        });
        return rp;
      },
      [=](conv_provider& p) -> caf::result<result<message>> {
        auto* found = h->state.find(p.id);
        if (!found) return result<message>(make_error(errc::not_found, "no such message"));
        if (p.failed) {
          h->state.update_status(p.id, message_status::failed, p.error_code);
        } else {
          h->state.set_provider_id(p.id, p.provider_id);
        }
        message m = *h->state.find(p.id);
        auto rp = self->make_response_promise<result<message>>();
        // The provider id must be durable too: status callbacks and duplicates find the
        // message by it after a restart.
        commit(self, *h, {}, {}, {m}, [rp, m](status st) mutable {
          if (!st)
            rp.deliver(result<message>(st.error()));
          else
            rp.deliver(result<message>(m));
        });
        return rp;
      },
      [=](conv_get_message& g) -> result<message> {
        if (auto* m = h->state.find(g.id)) return *m;
        return make_error(errc::not_found, "no such message");
      },
      [=](conv_dump&) -> conv_dump_reply {
        conv_dump_reply out;
        out.id = h->state.id();
        out.number = h->state.number();
        out.phone = h->state.phone();
        out.contact = h->state.contact();
        out.messages.assign(h->state.messages().begin(), h->state.messages().end());
        return out;
      },
  };
}

}  // namespace

caf::actor spawn_conversation_actor(caf::actor_system& sys, std::string business,
                                    conversation_state initial, business_context ctx,
                                    std::shared_ptr<journal_port> journal) {
  struct seed {
    std::string business;
    conversation_state state;
    business_context ctx;
    std::shared_ptr<journal_port> journal;
  };
  auto s = std::make_shared<seed>(
      seed{std::move(business), std::move(initial), std::move(ctx), std::move(journal)});
  // State travels as a spawn argument: CAF 0.17 dereferences a null argument tuple for
  // argument-less function actors (UBSan reports it).
  return sys.spawn(
      [](caf::event_based_actor* self, std::shared_ptr<seed> s) {
        auto host =
            std::make_shared<conversation_host>(self, std::move(s->business), std::move(s->state),
                                                std::move(s->ctx), std::move(s->journal));
        return conversation_behavior(self, host);
      },
      std::move(s));
}

}  // namespace msgcenter::actors
