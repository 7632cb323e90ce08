#include "msgcenter/actors/business_actor.hpp"

#include <absl/container/flat_hash_map.h>
#include <chrono>
#include <map>
#include <unordered_map>

#include "msgcenter/actors/conversation_actor.hpp"
#include "msgcenter/actors/inbox_actor.hpp"
#include "msgcenter/actors/message_types.hpp"
#include "msgcenter/core/consent.hpp"
#include "msgcenter/core/contact_book.hpp"
#include "msgcenter/core/csv.hpp"
#include "msgcenter/core/media.hpp"
#include "msgcenter/core/phone.hpp"
#include "msgcenter/core/render.hpp"
#include "msgcenter/core/segments.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::actors {
namespace {

using namespace std::string_literals;

struct conv_ref {
  caf::actor handle;
  std::string number;
  std::string phone;
  std::string contact;  ///< linked contact id, empty when unlinked
};

struct business_state {
  std::string id;
  std::uint32_t business_no = 0;  ///< the business's number in storage keys
  std::shared_ptr<gateway> outbound;
  std::shared_ptr<journal_port> journal;
  directory_ptr dir;
  inbox_map_ptr inboxes = std::make_shared<inbox_map>();
  contact_book contacts;
  consent_book consent;
  std::map<std::pair<std::string, std::string>, conversation_id> by_key;  ///< (number, phone)
  std::map<conversation_id, conv_ref> convs;
  std::multimap<std::string, conversation_id> by_phone;
  std::unordered_map<std::string, std::pair<conversation_id, message_id>> providers;
  conversation_id next_conversation = 1;
  message_id next_message = 1;
  std::uint64_t next_lead = 1;

  business_context context() const { return {dir, inboxes}; }
};

using state_ptr = std::shared_ptr<business_state>;

millis clock_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

millis op_time(const op_context& ctx) { return ctx.at ? *ctx.at : clock_now(); }

template <class T>
result<T> fail(errc code, std::string text) {
  return result<T>(make_error(code, std::move(text)));
}

// Calls `done` once `n` asynchronous steps called the returned countdown.
std::function<void()> countdown(std::size_t n, std::function<void()> done) {
  if (n == 0) {
    done();
    return [] {};
  }
  auto left = std::make_shared<std::size_t>(n);
  auto fn = std::make_shared<std::function<void()>>(std::move(done));
  return [left, fn] {
    if (--*left == 0) (*fn)();
  };
}

/// The acting staff member, or permission_denied when unknown or lacking `needed`.
result<const staff_member*> acting_staff(const business_state& st, const op_context& ctx,
                                         right needed) {
  auto* s = st.dir->find_staff(ctx.as);
  if (!s) return make_error(errc::permission_denied, "unknown staff member `" + ctx.as + "`");
  if (!s->has(needed))
    return make_error(errc::permission_denied, "missing right `"s + to_string(needed) + "`");
  return s;
}

class business {
 public:
  business(caf::event_based_actor* self, state_ptr st)
      : self_(self), st_(std::move(st)), journal_(self, st_->journal) {}

  void on_journal_ack(journal_ack& ack) { journal_.on_ack(ack); }

  // ---- durable records of the business's own state ----------------------------------

  void write_directory(std::function<void(status)> then) {
    journal_.write(
        persistence::encode_record(persistence::directory_record{st_->business_no, *st_->dir}),
        std::move(then));
  }
  void write_contact(const contact& c, std::function<void(status)> then) {
    journal_.write(persistence::encode_record(persistence::contact_record{st_->id, c}),
                   std::move(then));
  }
  void write_consent(const std::string& phone, const std::string& number, consent_state state,
                     std::function<void(status)> then) {
    journal_.write(
        persistence::encode_record(persistence::consent_record{st_->id, phone, number, state}),
        std::move(then));
  }

  /// Restores the state recovered from the store and spawns its actors.
  void restore(const persistence::recovered_business& saved) {
    auto d = std::make_shared<directory>(saved.dir);
    d->business = st_->id;
    st_->dir = d;
    for (auto& [id, c] : saved.contacts) {
      st_->contacts.upsert(c);
      // lead-<n> ids are ours: continue after the highest.
      if (id.rfind("lead-", 0) == 0) {
        auto n = std::strtoull(id.c_str() + 5, nullptr, 10);
        st_->next_lead = std::max<std::uint64_t>(st_->next_lead, n + 1);
      }
    }
    for (auto& [key, state] : saved.consent) st_->consent.set(key.first, key.second, state);
    auto inboxes = std::make_shared<inbox_map>();
    for (auto& [staff, s] : st_->dir->staff) {
      auto it = saved.inboxes.find(staff);
      (*inboxes)[staff] = spawn_inbox_actor(self_->system(), st_->id, staff, st_->journal,
                                            it == saved.inboxes.end() ? nullptr : &it->second);
    }
    st_->inboxes = inboxes;
    for (auto& [id, c] : saved.conversations) {
      std::deque<message> msgs;
      for (auto& [mid, m] : c.messages) {
        msgs.push_back(m);
        if (!m.provider_id.empty()) st_->providers[m.provider_id] = {id, mid};
        st_->next_message = std::max(st_->next_message, mid + 1);
      }
      conv_ref ref{{}, c.image.number, c.image.phone, c.image.contact ? c.image.contact->id : ""};
      ref.handle = spawn_conversation_actor(self_->system(), st_->id,
                                            conversation_state(c.image, std::move(msgs)),
                                            st_->context(), st_->journal);
      st_->by_key.emplace(std::make_pair(c.image.number, c.image.phone), id);
      st_->by_phone.emplace(c.image.phone, id);
      st_->convs.emplace(id, std::move(ref));
      st_->next_conversation = std::max(st_->next_conversation, id + 1);
    }
  }

  // Replaces the directory and refreshes every conversation (or only `only` staff views).
  // Replaces the directory, makes it durable and refreshes every conversation (or only
  // `only` staff views); `done` gets the journal's outcome once both finished.
  template <class Fn>
  void change_directory(Fn&& mutate, std::vector<std::string> only,
                        std::function<void(status)> done) {
    auto next = std::make_shared<directory>(*st_->dir);
    mutate(*next);
    st_->dir = next;
    auto outcome = std::make_shared<status>(unit{});
    auto tick = countdown(2, [outcome, done]() { done(*outcome); });
    write_directory([outcome, tick](status s) {
      *outcome = std::move(s);
      tick();
    });
    refresh_all(std::move(only), tick);
  }

  // One conv_refresh_part per conversation, all under one token; `done` runs once every
  // conversation reported conv_refreshed (no open request per conversation: see messages.hpp).
  void refresh_all(std::vector<std::string> only, std::function<void()> done) {
    if (st_->convs.empty()) return done();
    auto token = next_token_++;
    refreshes_.emplace(token, refresh_wait{st_->convs.size(), std::move(done)});
    conv_refresh r{st_->context(), std::move(only)};
    for (auto& [id, ref] : st_->convs) self_->send(ref.handle, conv_refresh_part{r, token});
  }

  void on_refreshed(const conv_refreshed& r) {
    auto it = refreshes_.find(r.token);
    if (it == refreshes_.end() || --it->second.left > 0) return;
    auto done = std::move(it->second.done);
    refreshes_.erase(it);
    done();
  }

  void on_appended(conv_appended& r) {
    auto it = appends_.find(r.token);
    if (it == appends_.end()) return;
    auto then = std::move(it->second);
    appends_.erase(it);
    then(r.reply);
  }

  conversation_id conversation_for(const std::string& number, const std::string& phone, millis at) {
    auto key = std::make_pair(number, phone);
    if (auto it = st_->by_key.find(key); it != st_->by_key.end()) return it->second;
    auto id = st_->next_conversation++;
    auto* num = st_->dir->find_number(number);
    conversation_state state(id, number, phone, num ? num->location : "", at);
    conv_ref ref{{}, number, phone, ""};
    // Linked automatically only when exactly one contact has this phone.
    if (auto* c = st_->contacts.single_match(phone)) {
      state.link(c->card());
      ref.contact = c->id;
    }
    ref.handle = spawn_conversation_actor(self_->system(), st_->id, std::move(state),
                                          st_->context(), st_->journal);
    st_->by_key.emplace(key, id);
    st_->by_phone.emplace(phone, id);
    st_->convs.emplace(id, std::move(ref));
    return id;
  }

  const conv_ref* find_conversation(conversation_id id) const {
    auto it = st_->convs.find(id);
    return it == st_->convs.end() ? nullptr : &it->second;
  }

  message new_message(direction dir, message_kind kind, std::string body,
                      std::vector<media_item> media, millis at) {
    message m;
    m.id = st_->next_message++;
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
  // (Clearing one full map made every message of a burst over the bound pay the parse.)
  result<std::string> normalized_phone(const std::string& raw) {
    if (auto it = phone_cache_.find(raw); it != phone_cache_.end()) return it->second;
    if (auto it = phone_cache_old_.find(raw); it != phone_cache_old_.end()) {
      auto e164 = it->second;
      remember_phone(raw, e164);
      return e164;
    }
    auto r = normalize_phone(raw, st_->dir->region);
    if (r) remember_phone(raw, r.value());
    return r;
  }

  void remember_phone(const std::string& raw, const std::string& e164) {
    if (phone_cache_.size() >= kPhoneCacheGeneration) {
      phone_cache_old_ = std::move(phone_cache_);
      phone_cache_.clear();
    }
    phone_cache_.emplace(raw, e164);
  }

  // ---- carrier ---------------------------------------------------------------------

  using inbound_results = std::vector<result<inbound_reply>>;

  caf::result<inbound_results> inbound(const op_context& ctx, inbound_batch& batch) {
    auto out = std::make_shared<inbound_results>(batch.items.size(),
                                                 fail<inbound_reply>(errc::unavailable, "?"));
    // Messages per conversation, in batch order, with their index in the batch.
    std::map<conversation_id, std::vector<std::pair<std::size_t, message>>> groups;
    std::vector<std::pair<std::size_t, std::pair<conversation_id, message_id>>> duplicates;
    std::vector<outbound_sms> replies;  // consent texts to hand over once stored
    std::vector<std::tuple<std::string, std::string, consent_state>> consent_changes;
    const auto& dir = *st_->dir;
    for (std::size_t i = 0; i < batch.items.size(); ++i) {
      auto& item = batch.items[i];
      auto to = normalized_phone(item.to);
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
      if (auto ok = validate_media(item.media); !ok) {
        (*out)[i] = result<inbound_reply>(ok.error());
        continue;
      }
      if (!item.provider_id.empty()) {
        if (auto it = st_->providers.find(item.provider_id); it != st_->providers.end()) {
          duplicates.emplace_back(i, it->second);
          continue;
        }
      }
      millis at = item.at ? *item.at : op_time(ctx);
      auto conv = conversation_for(*to, *from, at);
      auto m = new_message(direction::in, message_kind::manual, item.body, item.media, at);
      m.provider_id = item.provider_id;
      if (!m.provider_id.empty()) st_->providers[m.provider_id] = {conv, m.id};
      auto& group = groups[conv];
      group.emplace_back(i, std::move(m));
      // Consent keywords: the keyword itself stays an ordinary inbound message.
      if (auto kw = classify_keyword(item.body); kw != consent_keyword::none) {
        auto before = st_->consent.get(*from, *to);
        auto outcome = apply_keyword(before, kw);
        st_->consent.set(*from, *to, outcome.next);
        if (outcome.next != before) consent_changes.push_back({*from, *to, outcome.next});
        if (auto text = consent_text(outcome.reply); !text.empty()) {
          auto sys = new_message(direction::out, message_kind::system, text, {}, at);
          replies.push_back(
              outbound_sms{st_->id, conv, sys.id, message_kind::system, *to, *from, text, {}});
          group.emplace_back(SIZE_MAX, std::move(sys));
        }
      }
    }
    auto rp = self_->make_response_promise<inbound_results>();
    auto consent_failed = std::make_shared<std::optional<error>>();
    // One tick for all conversation groups (their inboxes updated), one per duplicate and
    // per consent change.
    auto tick = countdown(1 + duplicates.size() + consent_changes.size(), [=]() mutable {
      if (*consent_failed) {
        // The consent change is not durable: acknowledge none of the messages.
        for (auto& r : *out)
          if (r) r = result<inbound_reply>(**consent_failed);
      }
      for (auto& sms : replies) hand_over(sms);
      rp.deliver(std::move(*out));
    });
    // Consent changes are journaled before the messages that caused them (the journal keeps
    // order), and the batch is acknowledged only when they are durable too.
    for (auto& [phone, number, state] : consent_changes)
      write_consent(phone, number, state, [consent_failed, tick](status s) {
        if (!s) *consent_failed = s.error();
        tick();
      });
    // Each conversation stores its messages and returns its inboxes' updates; once all
    // have answered, every inbox gets one message for the whole batch (not one per
    // conversation), and the batch is acknowledged when the inboxes applied it.
    auto per_inbox = std::make_shared<std::map<caf::actor, std::vector<inbox_update>>>();
    auto groups_done = countdown(groups.size(), [this, per_inbox, tick]() {
      auto inboxes_done = countdown(per_inbox->size(), tick);
      for (auto& [inbox, updates] : *per_inbox)
        self_->request(inbox, caf::infinite, inbox_batch{std::move(updates)})
            .then([inboxes_done](unit) { inboxes_done(); },
                  [inboxes_done](caf::error&) { inboxes_done(); });
    });
    for (auto& [conv, items] : groups) {
      std::vector<message> messages;
      std::vector<std::size_t> index;
      messages.reserve(items.size());
      index.reserve(items.size());
      for (auto& [i, m] : items) {
        index.push_back(i);
        messages.push_back(std::move(m));
      }
      auto id = conv;
      auto token = next_token_++;
      appends_.emplace(token, [=](result<conv_append_reply>& reply) {
        for (std::size_t k = 0; k < index.size(); ++k) {
          if (index[k] == SIZE_MAX) continue;
          if (reply)
            (*out)[index[k]] = inbound_reply{id, reply.value().stored[k], false};
          else
            (*out)[index[k]] = result<inbound_reply>(reply.error());
        }
        if (reply)
          for (auto& [inbox, up] : reply.value().updates) (*per_inbox)[inbox].push_back(std::move(up));
        groups_done();
      });
      self_->send(st_->convs.at(conv).handle, conv_append_part{std::move(messages), token});
    }
    for (auto& [i, ids] : duplicates) {
      auto idx = i;
      auto conv = ids.first;
      self_->request(st_->convs.at(conv).handle, caf::infinite, conv_get_message{ids.second})
          .then(
              [=](result<message>& r) {
                if (r)
                  (*out)[idx] = inbound_reply{conv, std::move(r.value()), true};
                else
                  (*out)[idx] = result<inbound_reply>(r.error());
                tick();
              },
              [=](caf::error&) {
                (*out)[idx] = fail<inbound_reply>(errc::unavailable, "conversation failed");
                tick();
              });
    }
    return rp;
  }

  std::string consent_text(consent_reply r) const {
    const auto& s = st_->dir->settings;
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
  // same actor that applies STOP, so nothing reaches the gateway for a phone that is
  // opted out at that moment (the consent texts themselves excepted).
  void hand_over(outbound_sms sms, caf::response_promise rp = {}) {
    auto conv = sms.conversation;
    auto id = sms.message;
    if (sms.kind != message_kind::system) {
      auto ok = check_send_consent(st_->consent.get(sms.to, sms.from), st_->dir->settings.consent);
      if (!ok) {
        finish_hand_over(conv, id, fail<std::string>(ok.error().code, ok.error().message), rp);
        return;
      }
    }
    if (!st_->outbound) {
      finish_hand_over(conv, id, fail<std::string>(errc::unavailable, "no gateway"), rp);
      return;
    }
    auto me = caf::actor_cast<caf::actor>(self_);
    st_->outbound->submit(std::move(sms), [me, conv, id](result<std::string> provider) {
      caf::anon_send(me, provider_result{conv, id, std::move(provider)});
    });
    pending_replies_[id] = rp;
  }

  void on_provider(provider_result& r) {
    caf::response_promise rp;
    if (auto it = pending_replies_.find(r.message); it != pending_replies_.end()) {
      rp = it->second;
      pending_replies_.erase(it);
    }
    finish_hand_over(r.conversation, r.message, std::move(r.provider), rp);
  }

  void finish_hand_over(conversation_id conv, message_id id, result<std::string> provider,
                        caf::response_promise rp) {
    conv_provider req{id, "", false, ""};
    if (provider) {
      req.provider_id = provider.value();
      st_->providers[req.provider_id] = {conv, id};
    } else {
      req.failed = true;
      req.error_code = to_string(provider.error().code);
    }
    auto* ref = find_conversation(conv);
    if (!ref) return;
    self_->request(ref->handle, caf::infinite, req)
        .then(
            [=](result<message>& m) mutable {
              if (rp.pending()) {
                if (m)
                  rp.deliver(result<send_reply>(send_reply{conv, std::move(m.value())}));
                else
                  rp.deliver(result<send_reply>(m.error()));
              }
            },
            [=](caf::error&) mutable {
              if (rp.pending())
                rp.deliver(fail<send_reply>(errc::unavailable, "conversation failed"));
            });
  }

  caf::result<result<status_reply>> status_callback(const op_context&, status_request& req) {
    auto it = st_->providers.find(req.provider_id);
    if (it == st_->providers.end())
      return fail<status_reply>(errc::not_found, "unknown provider_id");
    auto [conv, id] = it->second;
    auto rp = self_->make_response_promise<result<status_reply>>();
    self_
        ->request(st_->convs.at(conv).handle, caf::infinite,
                  conv_status{id, req.status, req.error_code})
        .then(
            [=](result<message>& m) mutable {
              if (m)
                rp.deliver(result<status_reply>(status_reply{std::move(m.value())}));
              else
                rp.deliver(result<status_reply>(m.error()));
            },
            [=](caf::error&) mutable {
              rp.deliver(fail<status_reply>(errc::unavailable, "conversation failed"));
            });
    return rp;
  }

  // ---- sending ----------------------------------------------------------------------

  caf::result<result<send_reply>> send(const op_context& ctx, send_request& req) {
    const auto& dir = *st_->dir;
    std::string author;
    if (req.kind == message_kind::system)
      return fail<send_reply>(errc::invalid_argument, "`system` messages are the engine's own");
    if (req.kind == message_kind::manual) {
      auto who = acting_staff(*st_, ctx, right::send_sms);
      if (!who) return result<send_reply>(who.error());
      author = ctx.as;
    }
    // From here on the reply goes through the promise, also for refusals.
    auto rp = self_->make_response_promise<result<send_reply>>();
    auto refuse = [&rp](error e) {
      rp.deliver(result<send_reply>(std::move(e)));
      return rp;
    };
    if (req.conversation) {
      auto* ref = find_conversation(*req.conversation);
      if (!ref) return refuse(make_error(errc::not_found, "no such conversation"));
      if (req.kind != message_kind::manual) {
        send_to(ctx, req, ref->number, ref->phone, author, rp);
        return rp;
      }
      auto number = ref->number;
      auto phone = ref->phone;
      self_->request(ref->handle, caf::infinite, conv_access{ctx.as})
          .then(
              [=](access acc) mutable {
                if (acc == access::none)
                  rp.deliver(fail<send_reply>(errc::not_found, "no such conversation"));
                else
                  send_to(ctx, req, number, phone, author, rp);
              },
              [=](caf::error&) mutable {
                rp.deliver(fail<send_reply>(errc::unavailable, "conversation failed"));
              });
      return rp;
    }
    std::string phone;
    if (!req.contact.empty()) {
      auto* c = st_->contacts.find(req.contact);
      if (!c) return refuse(make_error(errc::not_found, "no such contact"));
      // The contact's first phone that can receive SMS.
      result<std::string> last = fail<std::string>(errc::invalid_phone, "contact has no phone");
      for (auto& p : c->phones) {
        last = normalize_mobile(p, dir.region);
        if (last) break;
      }
      if (!last) return refuse(last.error());
      phone = last.value();
    } else if (!req.phone.empty()) {
      auto p = normalize_mobile(req.phone, dir.region);
      if (!p) return refuse(p.error());
      phone = p.value();
    } else {
      return refuse(make_error(errc::invalid_argument, "give a conversation, contact or phone"));
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
    send_to(ctx, req, number, phone, author, rp);
    return rp;
  }

  void send_to(const op_context& ctx, const send_request& req, const std::string& number,
               const std::string& phone, const std::string& author, caf::response_promise rp) {
    const auto& dir = *st_->dir;
    // A sending number given explicitly must match a conversation's own.
    if (req.conversation && !req.number.empty()) {
      auto n = normalize_phone(req.number, dir.region);
      if (!n || *n != number) {
        rp.deliver(
            fail<send_reply>(errc::invalid_argument, "`number` differs from the conversation's"));
        return;
      }
    }
    std::string body = req.body;
    if (!req.template_name.empty()) {
      auto it = dir.templates.find(req.template_name);
      if (it == dir.templates.end()) {
        rp.deliver(fail<send_reply>(errc::not_found, "no such template"));
        return;
      }
      template_vars vars;
      vars.business_name = dir.name;
      const contact* c = !req.contact.empty() ? st_->contacts.find(req.contact) : nullptr;
      if (!c) {
        auto key = st_->by_key.find({number, phone});
        if (key != st_->by_key.end()) {
          auto& linked = st_->convs.at(key->second).contact;
          if (!linked.empty()) c = st_->contacts.find(linked);
        }
        if (!c) c = st_->contacts.single_match(phone);
      }
      if (c) {
        vars.first_name = c->first_name;
        vars.last_name = c->last_name;
      }
      body = render_template(it->second.body, vars);
    }
    if (body.empty() && req.media.empty()) {
      rp.deliver(fail<send_reply>(errc::invalid_argument, "a message needs a body or media"));
      return;
    }
    if (auto ok = validate_body(body); !ok) {
      rp.deliver(result<send_reply>(ok.error()));
      return;
    }
    if (auto ok = validate_media(req.media); !ok) {
      rp.deliver(result<send_reply>(ok.error()));
      return;
    }
    if (auto ok = check_send_consent(st_->consent.get(phone, number), dir.settings.consent); !ok) {
      rp.deliver(result<send_reply>(ok.error()));
      return;
    }
    millis at = op_time(ctx);
    auto conv = conversation_for(number, phone, at);
    auto m = new_message(direction::out, req.kind, body, req.media, at);
    m.author = author;
    outbound_sms sms{st_->id, conv, m.id, req.kind, number, phone, body, req.media};
    self_->request(st_->convs.at(conv).handle, caf::infinite, conv_append{{std::move(m)}})
        .then(
            [=](result<std::vector<message>>& stored) mutable {
              if (!stored) {
                rp.deliver(result<send_reply>(stored.error()));
                return;
              }
              hand_over(sms, rp);
            },
            [=](caf::error&) mutable {
              rp.deliver(fail<send_reply>(errc::unavailable, "conversation failed"));
            });
  }

  // ---- consent ----------------------------------------------------------------------

  result<std::pair<std::string, std::string>> consent_key(const std::string& raw_phone,
                                                          const std::string& raw_number) {
    const auto& dir = *st_->dir;
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

  result<consent_state_reply> consent_get(const op_context&, consent_get_args& req) {
    auto key = consent_key(req.phone, req.number);
    if (!key) return key.error();
    return consent_state_reply{st_->consent.get(key->first, key->second)};
  }

  caf::result<result<consent_state_reply>> consent_request(const op_context& ctx,
                                                           consent_request_args& req) {
    auto key = consent_key(req.phone, req.number);
    if (!key) return result<consent_state_reply>(key.error());
    auto [phone, number] = key.value();
    auto state = st_->consent.get(phone, number);
    if (state == consent_state::no)
      return fail<consent_state_reply>(errc::opted_out, "the phone opted out; it must text START");
    if (state == consent_state::yes) return result<consent_state_reply>(consent_state_reply{state});
    if (auto mobile = normalize_mobile(phone, st_->dir->region); !mobile)
      return result<consent_state_reply>(mobile.error());
    st_->consent.set(phone, number, consent_state::pending);
    write_consent(phone, number, consent_state::pending, [](status) {});
    millis at = op_time(ctx);
    auto conv = conversation_for(number, phone, at);
    auto text = st_->dir->settings.opt_in_request_text;
    auto m = new_message(direction::out, message_kind::system, text, {}, at);
    outbound_sms sms{st_->id, conv, m.id, message_kind::system, number, phone, text, {}};
    auto rp = self_->make_response_promise<result<consent_state_reply>>();
    self_->request(st_->convs.at(conv).handle, caf::infinite, conv_append{{std::move(m)}})
        .then(
            [=](result<std::vector<message>>& stored) mutable {
              // The consent record was journaled before the message: durable with it.
              if (!stored) {
                rp.deliver(result<consent_state_reply>(stored.error()));
                return;
              }
              hand_over(sms);
              rp.deliver(result<consent_state_reply>(consent_state_reply{consent_state::pending}));
            },
            [=](caf::error&) mutable {
              rp.deliver(fail<consent_state_reply>(errc::unavailable, "conversation failed"));
            });
    return rp;
  }

  // ---- admin ------------------------------------------------------------------------

  caf::result<result<unit>> business_put(const op_context&, business_put_request& req) {
    auto region = req.region.empty() ? st_->dir->region : req.region;
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
    if (region != st_->dir->region) {
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
          if (p.read_status && *p.read_status != s.read_status) {
            s.read_status = *p.read_status;
            ++d.read_mode_epoch;
          }
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
        {}, [rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
    return rp;
  }

  caf::result<result<number_put_reply>> number_put(const op_context&, number_put_request& req) {
    auto n = normalize_phone(req.number, st_->dir->region);
    if (!n) return result<number_put_reply>(n.error());
    auto rp = self_->make_response_promise<result<number_put_reply>>();
    auto number = *n;
    change_directory(
        [&](directory& d) {
          d.numbers[number] = number_info{number, req.location};
        },
        {},
        [rp, number](status s) mutable {
          if (!s)
            rp.deliver(result<number_put_reply>(s.error()));
          else
            rp.deliver(result<number_put_reply>(number_put_reply{number}));
        });
    return rp;
  }

  caf::result<result<unit>> staff_put(const op_context&, staff_put_request& req) {
    if (req.staff.empty()) return fail<unit>(errc::invalid_argument, "`staff` is required");
    if (!st_->inboxes->count(req.staff)) {
      auto next = std::make_shared<inbox_map>(*st_->inboxes);
      (*next)[req.staff] = spawn_inbox_actor(self_->system(), st_->id, req.staff, st_->journal);
      st_->inboxes = next;
    }
    auto rp = self_->make_response_promise<result<unit>>();
    change_directory(
        [&](directory& d) {
          d.staff[req.staff] =
              staff_member{req.staff, req.name, req.rights, req.locations, req.subscribe_all};
        },
        {req.staff}, [rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
    return rp;
  }

  caf::result<result<unit>> template_put(const op_context&, template_put_request& req) {
    if (req.name.empty())
      return result<unit>(make_error(errc::invalid_argument, "`template` is required"));
    if (auto ok = validate_body(req.body); !ok) return result<unit>(ok.error());
    auto next = std::make_shared<directory>(*st_->dir);
    next->templates[req.name] = text_template{req.name, req.body};
    st_->dir = next;  // conversations never read templates: no refresh needed
    auto rp = self_->make_response_promise<result<unit>>();
    write_directory([rp](status s) mutable { rp.deliver(result<unit>(std::move(s))); });
    return rp;
  }

  caf::result<result<contact_put_reply>> contact_put(const op_context&, contact_put_request& req) {
    auto c = std::move(req.value);
    if (c.id.empty())
      return fail<contact_put_reply>(errc::invalid_argument, "`contact` is required");
    std::vector<std::string> phones;
    for (auto& raw : c.phones) {
      auto p = normalize_phone(raw, st_->dir->region);
      if (!p) return result<contact_put_reply>(p.error());
      phones.push_back(*p);
    }
    c.phones = phones;
    auto id = c.id;
    auto outcome = std::make_shared<status>(unit{});
    auto rp = self_->make_response_promise<result<contact_put_reply>>();
    auto tick = countdown(2, [rp, id, phones, outcome]() mutable {
      if (!*outcome)
        rp.deliver(result<contact_put_reply>(outcome->error()));
      else
        rp.deliver(result<contact_put_reply>(contact_put_reply{id, phones}));
    });
    write_contact(c, [outcome, tick](status s) {
      *outcome = std::move(s);
      tick();
    });
    auto touched = st_->contacts.upsert(std::move(c));
    relink(id, touched, tick);
    return rp;
  }

  // Refreshes the card of conversations linked to `contact_id`, and links unlinked
  // conversations whose phone now matches exactly one contact.
  void relink(const std::string& contact_id, const std::vector<std::string>& phones,
              std::function<void()> done) {
    std::vector<std::pair<conversation_id, std::optional<contact_card>>> links;
    for (auto& [id, ref] : st_->convs) {
      if (ref.contact == contact_id) {
        auto* c = st_->contacts.find(contact_id);
        links.emplace_back(id, c ? std::optional<contact_card>(c->card()) : std::nullopt);
      }
    }
    for (auto& phone : phones) {
      auto range = st_->by_phone.equal_range(phone);
      for (auto it = range.first; it != range.second; ++it) {
        auto& ref = st_->convs.at(it->second);
        if (!ref.contact.empty()) continue;
        if (auto* c = st_->contacts.single_match(phone)) {
          ref.contact = c->id;
          links.emplace_back(it->second, c->card());
        }
      }
    }
    auto tick = countdown(links.size(), std::move(done));
    for (auto& [id, card] : links)
      self_->request(st_->convs.at(id).handle, caf::infinite, conv_link{card})
          .then([tick](unit) { tick(); }, [tick](caf::error&) { tick(); });
  }

  // ---- conversations ----------------------------------------------------------------

  caf::actor inbox_of(const std::string& staff) const {
    auto it = st_->inboxes->find(staff);
    return it == st_->inboxes->end() ? caf::actor{} : it->second;
  }

  caf::result<result<conversation_get_reply>> conversation_get(const op_context& ctx,
                                                               conversation_get_request& req) {
    auto who = acting_staff(*st_, ctx, right::view_messages);
    if (!who) return result<conversation_get_reply>(who.error());
    auto* ref = find_conversation(req.conversation);
    if (!ref) return fail<conversation_get_reply>(errc::not_found, "no such conversation");
    std::optional<contact_overview> overview;
    if (auto* c = st_->contacts.find(ref->contact)) {
      contact_overview o;
      o.value = *c;
      o.consent = st_->consent.get(ref->phone, ref->number);
      for (auto& [id, r] : st_->convs)
        if (r.contact == c->id) ++o.conversations;
      overview = std::move(o);
    }
    auto rp = self_->make_response_promise<result<conversation_get_reply>>();
    self_->request(inbox_of(ctx.as), caf::infinite, inbox_row_cmd{req.conversation, std::nullopt})
        .then(
            [=](result<inbox_row>& row) mutable {
              if (!row)
                rp.deliver(result<conversation_get_reply>(row.error()));
              else
                rp.deliver(result<conversation_get_reply>(
                    conversation_get_reply{std::move(row.value()), overview}));
            },
            [=](caf::error&) mutable {
              rp.deliver(fail<conversation_get_reply>(errc::unavailable, "inbox failed"));
            });
    return rp;
  }

  caf::result<caf::message> conversation_messages(const op_context& ctx, messages_request& req) {
    auto who = acting_staff(*st_, ctx, right::view_messages);
    if (!who) return caf::make_message(result<messages_reply>(who.error()));
    auto* ref = find_conversation(req.conversation);
    if (!ref)
      return caf::make_message(fail<messages_reply>(errc::not_found, "no such conversation"));
    return self_->delegate(ref->handle, conv_read{ctx.as, req});
  }

  using row_reply = std::function<void(result<inbox_row>)>;

  // Runs one action and reports the acting staff member's row.
  void action(const op_context& ctx, const action_request& req, row_reply reply) {
    auto who = acting_staff(*st_, ctx, right::view_messages);
    if (!who) return reply(who.error());
    auto* ref = find_conversation(req.conversation);
    if (!ref) return reply(make_error(errc::not_found, "no such conversation"));
    auto inbox = inbox_of(ctx.as);
    switch (req.action) {
      case conversation_action::pin:
      case conversation_action::unpin:
      case conversation_action::mute:
      case conversation_action::unmute:
        self_->request(inbox, caf::infinite, inbox_flag_cmd{req.conversation, req.action})
            .then([=](result<inbox_row>& r) { reply(std::move(r)); },
                  [=](caf::error&) { reply(make_error(errc::unavailable, "inbox failed")); });
        return;
      default:
        break;
    }
    conv_command cmd{ctx.as, req.action, req.staff, std::nullopt, op_time(ctx)};
    auto handle = ref->handle;
    auto run = [=](conv_command cmd, std::string linked) {
      self_->request(handle, caf::infinite, std::move(cmd))
          .then(
              [=](result<conversation_view>& view) {
                if (!view) return reply(view.error());
                if (!linked.empty()) st_->convs.at(req.conversation).contact = linked;
                self_->request(inbox, caf::infinite, inbox_row_cmd{req.conversation, view.value()})
                    .then(
                        [=](result<inbox_row>& r) { reply(std::move(r)); },
                        [=](caf::error&) { reply(make_error(errc::unavailable, "inbox failed")); });
              },
              [=](caf::error&) { reply(make_error(errc::unavailable, "conversation failed")); });
    };
    if (req.action == conversation_action::link_contact) {
      auto* c = st_->contacts.find(req.contact);
      if (!c) return reply(make_error(errc::not_found, "no such contact"));
      cmd.contact = c->card();
      return run(std::move(cmd), c->id);
    }
    if (req.action == conversation_action::create_lead) {
      // The lead is created only once the staff member may act on the conversation.
      auto phone = ref->phone;
      self_->request(handle, caf::infinite, conv_access{ctx.as})
          .then(
              [=](access acc) mutable {
                if (acc == access::none)
                  return reply(make_error(errc::not_found, "no such conversation"));
                auto* s = st_->dir->find_staff(ctx.as);
                if (!s->has(right::manage_messages))
                  return reply(
                      make_error(errc::permission_denied, "linking needs manage_messages"));
                if (req.first_name.empty() && req.last_name.empty())
                  return reply(make_error(errc::invalid_argument, "a lead needs a name"));
                contact lead;
                do {
                  lead.id = "lead-" + std::to_string(st_->next_lead++);
                } while (st_->contacts.find(lead.id));
                lead.kind = contact_kind::lead;
                lead.first_name = req.first_name;
                lead.last_name = req.last_name;
                lead.email = req.email;
                lead.phones = {phone};
                auto card = lead.card();
                write_contact(lead, [](status) {});  // journaled before the link that uses it
                st_->contacts.upsert(std::move(lead));
                auto c2 = cmd;
                c2.contact = card;
                run(std::move(c2), card.id);
              },
              [=](caf::error&) { reply(make_error(errc::unavailable, "conversation failed")); });
      return;
    }
    run(std::move(cmd), "");
  }

  caf::result<result<inbox_row>> conversation_action(const op_context& ctx, action_request& req) {
    auto rp = self_->make_response_promise<result<inbox_row>>();
    action(ctx, req, [rp](result<inbox_row> r) mutable { rp.deliver(std::move(r)); });
    return rp;
  }

  caf::result<result<bulk_reply>> conversation_bulk(const op_context& ctx, bulk_request& req) {
    if (req.conversations.size() > kMaxPageSize)
      return fail<bulk_reply>(errc::invalid_argument, "at most 500 conversations per bulk action");
    if (req.action == conversation_action::assign ||
        req.action == conversation_action::link_contact ||
        req.action == conversation_action::create_lead)
      return fail<bulk_reply>(errc::invalid_argument,
                              "this action needs arguments; use conversation.action");
    auto rp = self_->make_response_promise<result<bulk_reply>>();
    auto out = std::make_shared<bulk_reply>();
    out->results.resize(req.conversations.size());
    auto tick = countdown(req.conversations.size(),
                          [rp, out]() mutable { rp.deliver(result<bulk_reply>(std::move(*out))); });
    for (std::size_t i = 0; i < req.conversations.size(); ++i) {
      out->results[i].conversation = req.conversations[i];
      action_request one;
      one.conversation = req.conversations[i];
      one.action = req.action;
      action(ctx, one, [out, i, tick](result<inbox_row> r) {
        if (!r) out->results[i].failure = r.error();
        tick();
      });
    }
    return rp;
  }

  // ---- inbox ------------------------------------------------------------------------

  template <class Cmd>
  caf::result<caf::message> to_inbox(const op_context& ctx, Cmd cmd) {
    return self_->delegate(inbox_of(ctx.as), std::move(cmd));
  }

  // ---- history and export -------------------------------------------------------------

  // Gathers the dumps of `ids` and calls `done` with them.
  void gather(std::vector<conversation_id> ids,
              std::function<void(std::vector<conv_dump_reply>)> done) {
    auto dumps = std::make_shared<std::vector<conv_dump_reply>>();
    auto tick = countdown(ids.size(), [dumps, done]() { done(std::move(*dumps)); });
    for (auto id : ids)
      self_->request(st_->convs.at(id).handle, caf::infinite, conv_dump{})
          .then(
              [dumps, tick](conv_dump_reply& d) {
                dumps->push_back(std::move(d));
                tick();
              },
              [tick](caf::error&) { tick(); });
  }

  caf::result<result<history_reply>> contact_history(const op_context& ctx, history_request& req) {
    auto who = acting_staff(*st_, ctx, right::view_messages);
    if (!who) return result<history_reply>(who.error());
    auto* c = st_->contacts.find(req.contact);
    if (!c) return fail<history_reply>(errc::not_found, "no such contact");
    if (req.limit < 1 || req.limit > kMaxPageSize)
      return fail<history_reply>(errc::invalid_argument, "limit must be between 1 and 500");
    std::vector<conversation_id> ids;
    for (auto& [id, ref] : st_->convs)
      if (ref.contact == c->id ||
          std::find(c->phones.begin(), c->phones.end(), ref.phone) != c->phones.end())
        ids.push_back(id);
    auto rp = self_->make_response_promise<result<history_reply>>();
    auto limit = req.limit;
    gather(ids, [rp, limit](std::vector<conv_dump_reply> dumps) mutable {
      history_reply out;
      for (auto& d : dumps)
        for (auto& m : d.messages)
          if (m.visible()) out.messages.push_back(std::move(m));
      std::sort(out.messages.begin(), out.messages.end(), [](const message& a, const message& b) {
        return a.at != b.at ? a.at > b.at : a.id > b.id;
      });
      if (out.messages.size() > limit) out.messages.resize(limit);
      rp.deliver(result<history_reply>(std::move(out)));
    });
    return rp;
  }

  caf::result<result<export_reply>> export_csv(const op_context& ctx, export_request& req) {
    auto who = acting_staff(*st_, ctx, right::export_);
    if (!who) return result<export_reply>(who.error());
    std::vector<conversation_id> ids;
    if (req.conversation) {
      if (!find_conversation(*req.conversation))
        return fail<export_reply>(errc::not_found, "no such conversation");
      ids.push_back(*req.conversation);
    } else {
      for (auto& [id, ref] : st_->convs) ids.push_back(id);
    }
    auto rp = self_->make_response_promise<result<export_reply>>();
    auto tz = st_->dir->settings.timezone;
    auto st = st_;
    auto write = [rp, tz, st](std::vector<conv_dump_reply> dumps) mutable {
      struct row_ref {
        const message* m;
        const conv_dump_reply* conv;
      };
      std::vector<row_ref> rows;
      for (auto& d : dumps)
        for (auto& m : d.messages) rows.push_back({&m, &d});
      std::sort(rows.begin(), rows.end(),
                [](const row_ref& a, const row_ref& b) { return a.m->id < b.m->id; });
      csv_writer w;
      w.row(std::vector<std::string_view>(std::begin(kExportColumns), std::end(kExportColumns)));
      for (auto& r : rows) {
        auto when = format_local_time(r.m->at, tz);
        auto id = message_key(r.m->id);
        auto thread = conversation_key(r.conv->id);
        std::string name;
        if (r.conv->contact) {
          auto* c = st->contacts.find(r.conv->contact->id);
          name = c ? c->full_name() : r.conv->contact->full_name();
        }
        bool in = r.m->dir == direction::in;
        w.row({id, thread, when ? when->date : "", when ? when->time : "", name,
               in ? r.conv->phone : r.conv->number, in ? r.conv->number : r.conv->phone,
               to_string(r.m->dir), to_string(r.m->kind), to_string(r.m->status), r.m->body});
      }
      rp.deliver(result<export_reply>(export_reply{w.take()}));
    };
    gather(ids, write);
    return rp;
  }

  std::map<message_id, caf::response_promise> pending_replies_;

 private:
  struct refresh_wait {
    std::size_t left = 0;  ///< conversations still to report conv_refreshed
    std::function<void()> done;
  };
  std::uint64_t next_token_ = 1;
  absl::flat_hash_map<std::uint64_t, std::function<void(result<conv_append_reply>&)>> appends_;
  absl::flat_hash_map<std::uint64_t, refresh_wait> refreshes_;
  static constexpr std::size_t kPhoneCacheGeneration = 200'000;
  absl::flat_hash_map<std::string, std::string> phone_cache_;      ///< raw -> E.164, young
  absl::flat_hash_map<std::string, std::string> phone_cache_old_;  ///< the previous generation
  caf::event_based_actor* self_;
  state_ptr st_;
  durability journal_;
};

}  // namespace

caf::actor spawn_business_actor(caf::actor_system& sys, std::string business_id,
                                std::uint32_t business_no, std::shared_ptr<gateway> outbound,
                                std::shared_ptr<journal_port> journal,
                                const persistence::recovered_business* saved) {
  std::shared_ptr<const persistence::recovered_business> seed;
  if (saved) seed = std::make_shared<persistence::recovered_business>(*saved);
  // State travels as spawn arguments: CAF 0.17 dereferences a null argument tuple for
  // argument-less function actors (UBSan reports it).
  auto main = [](caf::event_based_actor* self, std::string business_id, std::uint32_t business_no,
                 std::shared_ptr<gateway> outbound, std::shared_ptr<journal_port> journal,
                 std::shared_ptr<const persistence::recovered_business> seed) -> caf::behavior {
    auto st = std::make_shared<business_state>();
    st->id = business_id;
    st->business_no = business_no;
    st->outbound = outbound;
    st->journal = journal;
    auto d = std::make_shared<directory>();
    d->business = business_id;
    st->dir = d;
    auto b = std::make_shared<business>(self, st);
    if (seed) b->restore(*seed);
    auto staff_only = [st](const op_context& ctx, right r) { return acting_staff(*st, ctx, r); };
    return {
        [=](op_context& ctx, business_put_request& r) { return b->business_put(ctx, r); },
        [=](op_context& ctx, number_put_request& r) { return b->number_put(ctx, r); },
        [=](op_context& ctx, staff_put_request& r) { return b->staff_put(ctx, r); },
        [=](op_context& ctx, template_put_request& r) { return b->template_put(ctx, r); },
        [=](op_context& ctx, contact_put_request& r) { return b->contact_put(ctx, r); },
        [=](op_context& ctx, inbound_batch& r) { return b->inbound(ctx, r); },
        [=](op_context& ctx, status_request& r) { return b->status_callback(ctx, r); },
        [=](op_context& ctx, send_request& r) { return b->send(ctx, r); },
        [=](op_context& ctx, consent_get_args& r) { return b->consent_get(ctx, r); },
        [=](op_context& ctx, consent_request_args& r) { return b->consent_request(ctx, r); },
        [=](op_context& ctx, conversation_get_request& r) { return b->conversation_get(ctx, r); },
        [=](op_context& ctx, messages_request& r) { return b->conversation_messages(ctx, r); },
        [=](op_context& ctx, action_request& r) { return b->conversation_action(ctx, r); },
        [=](op_context& ctx, bulk_request& r) { return b->conversation_bulk(ctx, r); },
        [=](op_context& ctx, history_request& r) { return b->contact_history(ctx, r); },
        [=](op_context& ctx, export_request& r) { return b->export_csv(ctx, r); },
        [=](op_context& ctx, inbox_query& q) -> caf::result<caf::message> {
          auto who = staff_only(ctx, right::view_messages);
          if (!who) return caf::make_message(result<inbox_page>(who.error()));
          // Naming another assignee needs manage_messages only where it reveals more:
          // with visibility `all` everyone sees every conversation anyway.
          bool may_manage = who.value()->has(right::manage_messages) ||
                            st->dir->settings.visibility == visibility_mode::all;
          return b->to_inbox(ctx, inbox_list_cmd{q, may_manage});
        },
        [=](op_context& ctx, badge_request& q) -> caf::result<caf::message> {
          auto who = staff_only(ctx, right::view_messages);
          if (!who) return caf::make_message(result<badge>(who.error()));
          return b->to_inbox(ctx, q);
        },
        [=](op_context& ctx, alerts_list_request& q) -> caf::result<caf::message> {
          auto who = staff_only(ctx, right::view_messages);
          if (!who) return caf::make_message(result<std::vector<alert>>(who.error()));
          return b->to_inbox(ctx, q);
        },
        [=](op_context& ctx, alerts_ack_request& q) -> caf::result<caf::message> {
          auto who = staff_only(ctx, right::view_messages);
          if (!who) return caf::make_message(result<unit>(who.error()));
          return b->to_inbox(ctx, q);
        },
        [=](op_context& ctx, inbox_subscribe& q) -> caf::result<caf::message> {
          auto who = staff_only(ctx, right::view_messages);
          if (!who) return caf::make_message(result<std::uint64_t>(who.error()));
          return b->to_inbox(ctx, q);
        },
        [=](op_context& ctx, inbox_unsubscribe& q) -> caf::result<caf::message> {
          if (!st->inboxes->count(ctx.as)) return caf::make_message(unit{});
          return b->to_inbox(ctx, q);
        },
        [=](op_context&, carrier_account_request&) -> result<carrier_account> {
          const auto& s = st->dir->settings;
          return carrier_account{st->id, s.twilio_account_sid, s.twilio_auth_token};
        },
        [=](provider_result& r) { b->on_provider(r); },
        [=](journal_ack& ack) { b->on_journal_ack(ack); },
        [=](conv_appended& r) { b->on_appended(r); },
        [=](conv_refreshed& r) { b->on_refreshed(r); },
        [=](business_recovered&) -> caf::result<unit> {
          // Fill every inbox view from the restored conversations before serving.
          auto rp = self->make_response_promise<unit>();
          b->refresh_all({}, [rp]() mutable { rp.deliver(unit{}); });
          return rp;
        },
        [=](business_shutdown&) {
          for (auto& [id, ref] : st->convs)
            self->send_exit(ref.handle, caf::exit_reason::user_shutdown);
          for (auto& [id, inbox] : *st->inboxes)
            self->send_exit(inbox, caf::exit_reason::user_shutdown);
          self->quit();
        },
    };
  };
  return sys.spawn(main, std::move(business_id), business_no, std::move(outbound),
                   std::move(journal), std::move(seed));
}

}  // namespace msgcenter::actors
