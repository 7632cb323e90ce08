// One business as its shard hosts it: directory (settings, numbers, staff, templates),
// contacts, consent, id counters, and the business's conversations and staff inboxes as
// virtual actors (entities.hpp) over one shared conversation_index.
//
// Every operation runs inside the shard's turn: it validates, changes the entities, lets
// the inboxes drain what the conversations told them, writes its records to the journal
// and replies once they are durable (read your writes: the change is visible to every
// later query as soon as the turn ends). No CAF message, promise or copy per
// (message x staff member).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <caf/all.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/actors/conversation_keys.hpp"
#include "msgcenter/actors/durability.hpp"
#include "msgcenter/actors/entities.hpp"
#include "msgcenter/actors/shard.hpp"
#include "msgcenter/core/consent.hpp"
#include "msgcenter/core/contact_book.hpp"
#include "msgcenter/core/gateway.hpp"
#include "msgcenter/core/operation_rights.hpp"
#include "msgcenter/core/send_guard.hpp"
#include "msgcenter/persistence/store.hpp"

namespace msgcenter::actors {

class business_partition {
 public:
  business_partition(caf::event_based_actor* self, durability& journal, std::string id,
                     std::uint32_t business_no, std::shared_ptr<gateway> outbound,
                     media_rules media = {});

  /// Restores the state recovered from the store (no journal writes, no events).
  void restore(const persistence::recovered_business& saved);

  // ---- operations (the request types of operations.hpp) ----------------------------
  caf::result<result<unit>> business_put(const op_context&, business_put_request& req);
  caf::result<result<number_put_reply>> number_put(const op_context&, number_put_request& req);
  caf::result<result<unit>> staff_put(const op_context&, staff_put_request& req);
  caf::result<result<unit>> template_put(const op_context&, template_put_request& req);
  caf::result<result<contact_put_reply>> contact_put(const op_context&, contact_put_request& req);
  caf::result<inbound_results> inbound(const op_context& ctx, inbound_batch& batch);
  /// The same, answering through `done` once the batch is durable (a shard gathering the
  /// batches of several businesses).
  void inbound(const op_context& ctx, inbound_batch& batch,
               std::function<void(inbound_results)> done);
  caf::result<result<status_reply>> status_callback(const op_context&, status_request& req);
  caf::result<result<send_reply>> send(const op_context& ctx, send_request& req);
  result<consent_state_reply> consent_get(const op_context&, consent_get_args& req);
  caf::result<result<consent_state_reply>> consent_request(const op_context& ctx,
                                                           consent_request_args& req);
  result<conversation_get_reply> conversation_get(const op_context& ctx,
                                                  conversation_get_request& req);
  caf::result<result<messages_reply>> conversation_messages(const op_context& ctx,
                                                            messages_request& req);
  caf::result<result<inbox_row>> conversation_action(const op_context& ctx, action_request& req);
  caf::result<result<bulk_reply>> conversation_bulk(const op_context& ctx, bulk_request& req);
  result<history_reply> contact_history(const op_context& ctx, history_request& req);
  result<export_reply> export_csv(const op_context& ctx, export_request& req);
  result<inbox_page> inbox_list(const op_context& ctx, inbox_query& q);
  result<badge> inbox_badge(const op_context& ctx, badge_request& q);
  result<std::vector<alert>> alerts_list(const op_context& ctx, alerts_list_request& q);
  caf::result<result<unit>> alerts_ack(const op_context& ctx, alerts_ack_request& q);
  result<std::uint64_t> subscribe(const op_context& ctx, inbox_subscribe& q);
  unit unsubscribe(const op_context& ctx, inbox_unsubscribe& q);
  result<carrier_account> carrier(const op_context&, carrier_account_request&);
  result<staff_me_reply> staff_me(const op_context& ctx, staff_me_request&);
  result<staff_list_reply> staff_list(const op_context& ctx, staff_list_request&);
  result<template_list_reply> template_list(const op_context& ctx, template_list_request&);
  result<folder_counts> inbox_counts(const op_context& ctx, inbox_counts_request& req);
  /// Sends a presence event straight to the subscribers who hear it (presence.hpp): no
  /// journal, no seq, nothing kept. Errors: permission_denied, not_found.
  result<unit> presence(const op_context& ctx, presence_request& req);
  result<unit> authorize(const op_context& ctx, authorize_request& req);

  /// The gateway's answer for an outbound message.
  void on_provider(provider_result& r);
  /// A subscriber went away.
  void drop_subscriber(const caf::actor_addr& who);

 private:
  struct row_facts;
  struct viewer_state {
    access acc = access::none;
    badge contribution;
    read_point read;
  };
  /// Every inbox's view of one conversation. Members of the common audience (in_group) get
  /// `common`, mutes not applied: their badge moves through the audience's counter.
  struct viewer_set {
    viewer_state common;
    std::vector<viewer_state> each;
  };
  using row_reply = std::function<void(result<inbox_row>)>;

  // entities
  conversation_id conversation_for(const std::string& number, const std::string& phone, millis at);
  conversation_entity* find_conversation(conversation_id id);
  inbox_entity* inbox_of(const std::string& staff);
  std::uint16_t add_inbox(const std::string& staff);
  void set_directory(directory_ptr next);
  [[nodiscard]] bool sees_everything(std::size_t inbox) const;
  std::vector<std::string> owners(const conversation_entity& c) const;

  // the conversation -> inbox protocol of one turn
  viewer_set viewers(const conversation_entity& c) const;
  /// In the common audience: shared read mode and sees_everything().
  [[nodiscard]] bool in_group(std::size_t inbox) const;
  [[nodiscard]] badge badge_of(std::size_t inbox) const;
  /// Remembers an inbox's badge at its first change in this turn (one badge event per turn).
  void touch(std::size_t inbox);
  void touch_watched_group();
  /// Recounts every badge from the conversations (restore, directory changes).
  void recompute_badges();
  /// The shared row fields before a change (only compared while someone watches).
  row_facts facts_of(const conversation_entity& c) const;
  /// Who an inbound message into `c` alerts (inbox numbers; mutes are the inboxes' part).
  void alert_audience(const conversation_entity& c, std::vector<std::uint16_t>& out) const;
  void changed(conversation_entity& c, const viewer_set& before, const row_facts& facts_before,
               const std::vector<message>* new_messages,
               const std::vector<std::pair<std::uint16_t, alert_spec>>& alerts, bool badges = true);
  void drain();
  void emit(inbox_entity& inbox, staff_event ev);
  /// Ends `staff`'s live streams with a `closed` event once they may no longer read
  /// messages (a rights change), as subscribe() would now refuse them.
  void end_streams_if_unreadable(const std::string& staff);
  /// Ends a turn: drains the notes, then journals the alerts the inboxes raised. `then`
  /// gets the outcome of every record written since `begin_records()`.
  void finish(std::function<void(status)> then);
  void begin_records();
  void write(std::string record);
  void write_conversation(const conversation_entity& c, std::vector<message> changed);

  // operations' parts
  message new_message(direction dir, message_kind kind, std::string body,
                      std::vector<media_item> media, millis at);
  result<std::string> normalized_phone(const std::string& raw);
  void remember_phone(const std::string& raw, const std::string& e164);
  std::string consent_text(consent_reply r) const;
  void hand_over(outbound_sms sms, caf::response_promise rp = {});
  void finish_hand_over(conversation_id conv, message_id id, result<std::string> provider,
                        caf::response_promise rp);
  void send_to(const op_context& ctx, const send_request& req, const std::string& number,
               const std::string& phone, const std::string& author,
               caf::typed_response_promise<result<send_reply>> rp);
  result<std::pair<std::string, std::string>> consent_key(const std::string& raw_phone,
                                                          const std::string& raw_number);
  template <class Fn>
  void change_directory(Fn&& mutate, std::function<void(status)> done);
  std::vector<conversation_id> relink(const std::string& contact_id,
                                      const std::vector<std::string>& phones);
  void action(const op_context& ctx, const action_request& req, row_reply reply);
  result<const staff_member*> acting_staff(const op_context& ctx, right needed) const;
  /// The staff member calling a consent operation (nullptr: automation or admin).
  result<const staff_member*> consent_caller(const op_context& ctx, consent_operation op) const;
  /// may_use_number for a staff member; always allowed without one.
  status may_use(const staff_member* staff, const std::string& number) const;

  caf::event_based_actor* self_;
  durability& journal_;
  std::string id_;
  std::uint32_t business_no_ = 0;
  std::shared_ptr<gateway> outbound_;
  media_rules media_;  ///< which attachment URLs are accepted
  directory_ptr dir_;
  contact_book contacts_;
  consent_book consent_;
  conversation_index index_;
  conversation_keys by_key_;
  absl::flat_hash_map<conversation_id, std::unique_ptr<conversation_entity>> convs_;
  std::vector<conversation_id> conv_order_;  ///< ids in creation order (export, history)
  std::multimap<std::string, conversation_id> by_phone_;
  absl::flat_hash_map<std::string, std::pair<conversation_id, message_id>> providers_;
  conversation_id next_conversation_ = 1;
  message_id next_message_ = 1;
  std::uint64_t next_lead_ = 1;

  std::vector<std::unique_ptr<inbox_entity>> inboxes_;
  std::vector<const staff_member*> staff_of_;  ///< parallel to inboxes_, per directory
  std::vector<bool> sees_all_;         ///< parallel to inboxes_: sees_everything(), per directory
  bool watched_ = false;               ///< some inbox has (had) a subscriber: events are built
  std::vector<std::uint16_t> others_;  ///< inboxes outside the common audience
  absl::flat_hash_map<std::string, std::uint16_t> inbox_no_;

  std::vector<inbox_note> notes_;       ///< this turn's conversation -> inbox messages
  std::vector<std::uint16_t> touched_;  ///< inboxes whose badge may have moved this turn
  badge group_badge_;                   ///< the common audience's badge (shared read mode)
  struct record_wait {
    std::size_t left = 0;
    status outcome = unit{};
    std::function<void(status)> then;  ///< set when the turn ends
  };
  std::shared_ptr<record_wait> records_;  ///< the records of the current turn

  std::map<message_id, caf::response_promise> pending_replies_;  ///< hand-overs in flight
  /// Client references of recent sends (send_guard.hpp); memory only.
  client_ref_book client_refs_;
  /// A send with a client reference until it is answered: the retries that came meanwhile
  /// get the same answer.
  struct ref_wait {
    std::string ref;
    std::vector<caf::typed_response_promise<result<send_reply>>> retries;
  };
  std::map<message_id, ref_wait> refs_in_flight_;
  /// Answers the retries of a send with a client reference, and forgets the reference if
  /// the send failed to be stored.
  void settle_client_ref(message_id id, const result<send_reply>& answer, bool stored);
  /// A status callback that arrived before the gateway's answer named its provider id: kept
  /// until that answer comes, or answered not_found once every hand-over that was in flight
  /// when it arrived has been answered (L5 of the security review).
  struct early_status {
    status_request req;
    caf::typed_response_promise<result<status_reply>> rp;
    message_id waits_for = 0;  ///< the newest hand-over in flight when it arrived
  };
  std::map<std::string, std::vector<early_status>> early_statuses_;  ///< by provider id
  std::size_t early_count_ = 0;
  static constexpr std::size_t kMaxEarlyStatuses = 10'000;  ///< beyond: not_found at once
  void answer_stale_early_statuses();
  static constexpr std::size_t kPhoneCacheGeneration = 200'000;
  absl::flat_hash_map<std::string, std::string> phone_cache_;      ///< raw -> E.164, young
  absl::flat_hash_map<std::string, std::string> phone_cache_old_;  ///< the previous generation
};

}  // namespace msgcenter::actors
