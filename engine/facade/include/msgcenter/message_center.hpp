// msgcenter's embedding API: the whole engine behind one object.
//
//   auto mc = msgcenter::message_center::open({});
//   mc.value()->business_put({"spa"}, {"Lotus Spa", "US"});
//   mc.value()->inbound({"spa"}, {"+15551230001", "+15559870000", "Hi!", {}, "SM1"});
//
// Every operation of protocol.md is a typed call in two forms: a blocking one returning
// result<Reply>, and one ending in `_async` returning std::future<result<Reply>>. Each
// operation's reply comes only once its effects are visible to every later operation by
// anyone (read your writes). Errors are the stable codes of errc; a refused operation
// changes nothing.
//
// Thread safety: a message_center is safe to use from many threads at once. Operations of
// one thread are applied in the order they were issued when each waits for its reply.
// Ownership: open() returns the only owner; destroying it closes the engine.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/gateway.hpp"
#include "msgcenter/core/operations.hpp"

namespace msgcenter {

/// How to open an engine. Every field has a working default.
///
/// Durability (data_dir set): every operation's reply, callback or future comes only after
/// the LMDB transaction holding its effects committed with sync; one commit serves many
/// operations. What was acknowledged survives a crash of the process or the machine and is
/// restored by the next open() (docs/storage.md). If a commit or fsync fails, the engine
/// stops acknowledging: that operation and every later one answers `unavailable`.
struct options {
  /// Directory of the LMDB store. Empty: state lives in memory only and is gone at close.
  std::string data_dir;
  /// Scheduler threads; 0 = the machine's core count (std::thread::hardware_concurrency).
  unsigned threads = 0;
  /// Shard actors hosting the businesses (each business lives in one, by a stable hash of
  /// its id); 0 = as many as scheduler threads.
  unsigned shards = 0;
  /// Where outbound messages are handed over. nullptr: a local_gateway (accepts everything).
  std::shared_ptr<gateway> outbound;
  /// Accept plain `http://` attachment URLs besides `https://` (media_rules): a lab, or a
  /// gateway on a private network. Off: only https.
  bool allow_http_media = false;
  /// With data_dir: a checkpoint in the background once the journal holds this many records
  /// past the snapshot, so the journal and the time to recover stay bounded while the
  /// engine runs. 0: only at open and close.
  std::uint64_t checkpoint_every_records = 200000;
  /// Largest inbound batch accepted by ingest(); larger ones answer invalid_argument.
  std::size_t max_batch = 10000;
  /// Tests only: called in place of each journal commit; a non-zero LMDB error code makes
  /// that commit fail (fault injection). Empty in production.
  std::function<int()> commit_hook;
};

/// A live subscription to one staff member's events. Unsubscribes when destroyed.
class subscription {
 public:
  subscription() = default;
  subscription(subscription&&) noexcept = default;
  subscription& operator=(subscription&&) noexcept = default;
  ~subscription();
  /// The seq of the last event before this subscription started; events it delivers follow.
  [[nodiscard]] std::uint64_t start_seq() const noexcept { return start_seq_; }
  /// Stops delivery. Events already in flight may still reach the callback shortly after.
  void cancel();

 private:
  friend class message_center;
  std::function<void()> cancel_;
  std::uint64_t start_seq_ = 0;
};

/// What the engine runs right now (for tests, /metrics and benchmarks).
struct engine_stats {
  std::size_t actors_running = 0;   ///< CAF actors alive (businesses, conversations, ...)
  std::size_t calls_in_flight = 0;  ///< operations accepted and not yet answered
  /// The journal's, when the engine has a store (durable); all zero in memory.
  bool durable = false;
  std::uint64_t journal_commits = 0;  ///< group commits (one fsync each)
  std::uint64_t journal_records = 0;  ///< records made durable
  std::uint64_t journal_commit_nanos_total = 0;
  std::uint64_t journal_commit_nanos_max = 0;  ///< the slowest group commit so far
  std::uint64_t journal_queued_records = 0;    ///< waiting for the writer now
  std::uint64_t checkpoints = 0;               ///< background checkpoints written
  std::uint64_t checkpoint_failures = 0;
};

class message_center {
 public:
  using event_fn = std::function<void(const staff_event&)>;

  /// Opens an engine. Errors: unavailable (the store cannot be opened).
  [[nodiscard]] static result<std::unique_ptr<message_center>> open(options opts);

  ~message_center();
  message_center(const message_center&) = delete;
  message_center& operator=(const message_center&) = delete;

  /// Stops accepting operations, lets those in flight finish, and stops every actor.
  /// Idempotent; called by the destructor. Later calls answer unavailable.
  void close();

  // ---- admin (ctx.as ignored) ---------------------------------------------------------
  /// Creates or updates a business. Errors: invalid_argument, invalid_phone.
  result<unit> business_put(const op_context& ctx, business_put_request req);
  /// Adds or moves a number. Errors: not_found (business), invalid_phone, invalid_argument
  /// (the number belongs to another business).
  result<number_put_reply> number_put(const op_context& ctx, number_put_request req);
  /// Errors: not_found (business), invalid_argument.
  result<unit> staff_put(const op_context& ctx, staff_put_request req);
  /// Errors: not_found (business), invalid_argument, body_too_long.
  result<unit> template_put(const op_context& ctx, template_put_request req);
  /// Errors: not_found (business), invalid_argument, invalid_phone.
  result<contact_put_reply> contact_put(const op_context& ctx, contact_put_request req);

  // ---- carrier --------------------------------------------------------------------------
  /// One inbound message. ctx.business may be empty: the business owning `to` is used.
  /// Errors: not_found (number), invalid_phone, invalid_argument, body_too_long,
  /// attachment_too_large, unsupported_media, overloaded, unavailable.
  result<inbound_reply> inbound(const op_context& ctx, inbound_request req);
  /// A burst of inbound messages, one result per message in order. Grouped by business and
  /// conversation internally: much cheaper per message than inbound().
  std::vector<result<inbound_reply>> ingest(const op_context& ctx,
                                            std::vector<inbound_request> batch);
  std::future<std::vector<result<inbound_reply>>> ingest_async(const op_context& ctx,
                                                               std::vector<inbound_request> batch);
  using ingest_done_fn = std::function<void(std::vector<result<inbound_reply>>)>;
  /// ingest() answered through a callback instead of a future, so that no thread waits for
  /// the batch (the HTTP server's webhook batches). `done` is called exactly once: on an
  /// engine thread once every shard answered (durable, when the engine is), or on the calling
  /// thread when the batch is refused as a whole (closed engine, batch too large). Keep it
  /// short: it runs on the engine's scheduler.
  void ingest_then(const op_context& ctx, std::vector<inbound_request> batch, ingest_done_fn done);
  /// A delivery status callback. One that arrives while hand-overs are in flight, for a
  /// provider id not known yet, waits for the gateway's answers (docs/decisions.md).
  /// Errors: not_found (unknown provider id, or one of an inbound message).
  result<status_reply> status(const op_context& ctx, status_request req);
  using status_done_fn = std::function<void(result<status_reply>)>;
  /// status() of one named business (ctx.business required), answered through a callback
  /// as ingest_then() is: exactly once, on an engine thread or (refused at once) the caller's.
  /// Errors: those of status(), invalid_argument (no ctx.business).
  void status_then(const op_context& ctx, status_request req, status_done_fn done);

  // ---- staff ----------------------------------------------------------------------------
  /// With ctx.as: a staff member's send of any kind (send_sms, a number of their locations,
  /// a conversation they can reach); without: the business's automation (campaign and
  /// notification only). See core/operation_rights.hpp.
  /// Errors: permission_denied, not_found, invalid_phone, not_mobile, opted_out,
  /// consent_required, body_too_long, attachment_too_large, unsupported_media.
  result<send_reply> send(const op_context& ctx, send_request req);
  /// With ctx.as: consent.request needs send_sms, consent.get view_messages, both a number
  /// of the staff member's locations.
  /// Errors: permission_denied, invalid_phone, not_mobile, not_found (number), opted_out.
  result<consent_state_reply> consent_request(const op_context& ctx, consent_request_args req);
  result<consent_state_reply> consent_get(const op_context& ctx, consent_get_args req);
  /// Errors: permission_denied, not_found.
  result<conversation_get_reply> conversation_get(const op_context& ctx,
                                                  conversation_get_request req);
  result<messages_reply> conversation_messages(const op_context& ctx, messages_request req);
  result<inbox_row> conversation_action(const op_context& ctx, action_request req);
  result<bulk_reply> conversation_bulk(const op_context& ctx, bulk_request req);
  /// Errors: permission_denied, invalid_argument (limit, cursor).
  result<inbox_page> inbox_list(const op_context& ctx, inbox_query req);
  result<badge> inbox_badge(const op_context& ctx);
  result<std::vector<alert>> alerts_list(const op_context& ctx, alerts_list_request req);
  result<unit> alerts_ack(const op_context& ctx, alerts_ack_request req);
  result<history_reply> contact_history(const op_context& ctx, history_request req);
  /// The whole export, fetched page by page (req.limit messages a page; req.after is
  /// ignored): each page is a short turn of the business's shard, so other businesses are
  /// answered meanwhile.
  result<export_reply> export_csv(const op_context& ctx, export_request req);

  // What a staff client reads its frame with (issue 13; core/operation_rights.hpp,
  // staff_lookup, says who may).
  /// staff.me: the caller's record and the business's read_status, visibility and consent
  /// settings (never its credentials). Needs only a staff member of the business.
  /// Errors: permission_denied (unknown staff member), not_found (business).
  result<staff_me_reply> staff_me(const op_context& ctx);
  /// staff.list: every staff member's id and name, by id. Needs view_messages.
  /// Errors: permission_denied, not_found (business).
  result<staff_list_reply> staff_list(const op_context& ctx);
  /// template.list: the templates by name and the business name. Needs send_sms.
  /// Errors: permission_denied, not_found (business).
  result<template_list_reply> template_list(const op_context& ctx);
  /// inbox.counts: per folder, the conversations inbox.list would list with the query's
  /// filters and search; exact. Needs view_messages.
  /// Errors: permission_denied (also a foreign assignee without manage_messages),
  /// invalid_argument (`from` after `to`).
  result<folder_counts> inbox_counts(const op_context& ctx, inbox_counts_request req);
  /// presence.set: an ephemeral `presence` event (seq 0, not kept for resume) to every
  /// other staff member who can reach the conversation and is subscribed. Needs
  /// view_messages and access to the conversation.
  /// Errors: permission_denied, not_found (conversation, business).
  result<unit> presence_set(const op_context& ctx, presence_request req);

  // Asynchronous forms: the same operations, answered through a future.
  std::future<result<unit>> business_put_async(const op_context& ctx, business_put_request req);
  std::future<result<inbound_reply>> inbound_async(const op_context& ctx, inbound_request req);
  std::future<result<send_reply>> send_async(const op_context& ctx, send_request req);
  std::future<result<messages_reply>> conversation_messages_async(const op_context& ctx,
                                                                  messages_request req);
  std::future<result<inbox_row>> conversation_action_async(const op_context& ctx,
                                                           action_request req);
  std::future<result<inbox_page>> inbox_list_async(const op_context& ctx, inbox_query req);
  std::future<result<badge>> inbox_badge_async(const op_context& ctx);

  /// The business owning `number` (E.164) and its Twilio credentials, for checking webhook
  /// signatures. Read from a table the engine keeps current as businesses and numbers
  /// change: no actor is asked, so an unsigned webhook costs the engine nothing.
  /// Errors: not_found (no business owns the number).
  result<carrier_account> carrier_account_for(const std::string& number) const;

  /// Whether staff member ctx.as of ctx.business exists and holds `needed` (the server's
  /// tenant-admin check for routes that are not operations: tokens and keys).
  /// Errors: permission_denied (unknown staff member, missing right), not_found (business).
  result<unit> authorize(const op_context& ctx, right needed);

  // ---- real time ------------------------------------------------------------------------
  /// Calls `fn` with every event of staff member ctx.as, in order, on an engine thread (keep
  /// it short). after_seq > 0 first replays the kept events after that seq (resume).
  /// Errors: permission_denied (unknown staff or no view_messages), not_found (business).
  result<subscription> subscribe(const op_context& ctx, event_fn fn, std::uint64_t after_seq = 0);

  /// A snapshot of engine_stats. Never blocks on the actors.
  [[nodiscard]] engine_stats stats() const;

  /// Whether the engine can take writes: not once it is closed, nor once its journal has
  /// stopped after a failed commit (every write then answers `unavailable`; /healthz turns
  /// 503 so a load balancer moves traffic). Never blocks on the actors.
  /// Errors: unavailable, naming the cause.
  [[nodiscard]] result<unit> health() const;

  struct impl;

 private:
  explicit message_center(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace msgcenter
