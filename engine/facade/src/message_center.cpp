#include "msgcenter/message_center.hpp"

#include <algorithm>
#include <atomic>
#include <caf/all.hpp>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "msgcenter/actors/message_types.hpp"
#include "msgcenter/actors/shard.hpp"
#include "msgcenter/core/phone.hpp"
#include "msgcenter/persistence/store.hpp"

namespace msgcenter {

namespace {

caf::actor_system_config make_config(unsigned threads) {
  caf::actor_system_config cfg;
  // CAF 0.17's work stealing is quadratic on fan-out (docs/design.md): share one queue
  // between as many workers as there are cores, and let no actor hog a worker.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(threads));
  cfg.set("scheduler.max-throughput", static_cast<std::size_t>(300));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return cfg;
}

/// The actors' journal: the store's journal writer.
class store_port : public actors::journal_port {
 public:
  explicit store_port(persistence::store& s) : store_(s) {}
  void append(std::string record, std::function<void(status)> done) override {
    store_.append(std::move(record), std::move(done));
  }
  actors::admission admit() const noexcept override {
    switch (store_.admission()) {
      case persistence::journal_admission::open:
        return actors::admission::open;
      case persistence::journal_admission::busy:
        return actors::admission::busy;
      case persistence::journal_admission::failed:
        break;
    }
    return actors::admission::failed;
  }

 private:
  persistence::store& store_;
};

/// Work for a caller actor (see impl::callers): runs on it, so it may make requests.
struct caller_job {
  std::function<void(caf::event_based_actor*)> run;
};

template <class T>
std::future<T> ready(T value) {
  std::promise<T> p;
  p.set_value(std::move(value));
  return p.get_future();
}

}  // namespace
}  // namespace msgcenter

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::caller_job)

namespace msgcenter {

struct message_center::impl {
  explicit impl(options o) : opts(std::move(o)), cfg(make_config(opts.threads)), sys(cfg) {}

  options opts;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::unique_ptr<persistence::store> store;  ///< null: memory only
  std::shared_ptr<actors::journal_port> journal;
  std::uint32_t next_business_no = 1;
  std::shared_mutex mutex;
  std::vector<caf::actor> shards;  ///< options::shards shard actors, hosting every business
  std::map<std::string, caf::actor> businesses;     ///< business -> the shard hosting it
  std::map<std::string, std::string> number_owner;  ///< E.164 -> business
  std::map<std::string, std::string> region_of;     ///< business -> region, for numbers
  /// business -> its Twilio account sid and auth token (carrier_account_for)
  std::map<std::string, std::pair<std::string, std::string>> carrier_of;
  /// Live subscription actors, stopped at close; a cancelled subscription removes its own.
  /// Shared (weakly) with subscriptions, which may outlive the engine.
  struct sink_list {
    std::mutex mutex;
    std::vector<caf::actor> actors;
  };
  std::shared_ptr<sink_list> sinks = std::make_shared<sink_list>();
  /// Shared with subscriptions, which may outlive the engine.
  std::shared_ptr<std::atomic<bool>> closed_flag = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool>& closed = *closed_flag;
  std::atomic<std::size_t> in_flight{0};
  std::uint64_t recovered_records = 0;

  caf::actor business(const std::string& id) {
    std::shared_lock lock(mutex);
    auto it = businesses.find(id);
    return it == businesses.end() ? caf::actor{} : it->second;
  }

  /// Sends (ctx, req) to the business actor and answers through a future.
  template <class Reply, class Req>
  std::future<result<Reply>> call(const op_context& ctx, Req req) {
    if (closed) return ready(result<Reply>(make_error(errc::unavailable, "engine is closed")));
    auto target = business(ctx.business);
    if (!target) return ready(result<Reply>(make_error(errc::not_found, "no such business")));
    return ask<result<Reply>>(target, ctx, std::move(req));
  }

  /// Long-lived actors that carry requests from outside the actor system (one per
  /// scheduler thread): no actor spawned and no thread started per call.
  std::vector<caf::actor> callers;
  /// Which caller carries the requests to each shard (shard i -> caller i mod callers),
  /// fixed once the shards exist: requests to a shard leave in the order they were made
  /// (CAF keeps the order of one sender's messages only), so two batches of webhooks read
  /// in order on one connection are applied in that order.
  std::unordered_map<caf::actor_id, std::size_t> caller_of_shard;

  void start_shards() {
    for (unsigned i = 0; i < opts.shards; ++i) {
      shards.push_back(
          actors::spawn_shard(sys, opts.outbound, journal, media_rules{opts.allow_http_media}));
      caller_of_shard[shards.back().id()] = i % std::max(1u, opts.threads);
    }
  }

  caf::actor shard_for(const std::string& business) const {
    return shards[actors::shard_of(business, shards.size())];
  }

  void start_callers() {
    for (unsigned i = 0; i < opts.threads; ++i)
      callers.push_back(sys.spawn(
          [](caf::event_based_actor* self, int) -> caf::behavior {
            return {[self](caller_job& job) { job.run(self); }};
          },
          0));
  }

  /// Request/response from outside the actor system: `done` runs on a caller actor with the
  /// reply (or failed<Reply>() when the target could not answer).
  template <class Reply, class... Ts>
  void ask_then(caf::actor target, std::function<void(Reply)> done, Ts... xs) {
    // Counted before `closed` is read (both sequentially consistent): close() either waits
    // for this call or this call sees it closing, never neither (security review L9), so no
    // request is handed to a caller actor that close() is about to stop.
    ++in_flight;
    if (closed) {
      --in_flight;
      done(failed<Reply>(caf::error{}));
      return;
    }
    auto args = std::make_shared<std::tuple<Ts...>>(std::move(xs)...);
    auto* self_impl = this;
    caller_job job{
        [self_impl, target, done = std::move(done), args](caf::event_based_actor* self) mutable {
          std::apply(
              [&](auto&... a) {
                self->request(target, caf::infinite, std::move(a)...)
                    .then(
                        [self_impl, done](Reply& r) {
                          --self_impl->in_flight;  // first: the answer is out once `done` ran
                          done(std::move(r));
                        },
                        [self_impl, done](caf::error& e) {
                          --self_impl->in_flight;
                          done(failed<Reply>(e));
                        });
              },
              *args);
        }};
    auto it = caller_of_shard.find(target.id());
    auto k = (it != caller_of_shard.end() ? it->second : target.id()) % callers.size();
    caf::anon_send(callers[k], std::move(job));
  }

  /// ask_then answered through a future.
  template <class Reply, class... Ts>
  std::future<Reply> ask(caf::actor target, Ts... xs) {
    auto promise = std::make_shared<std::promise<Reply>>();
    auto fut = promise->get_future();
    ask_then<Reply>(
        target, [promise](Reply r) { promise->set_value(std::move(r)); }, std::move(xs)...);
    return fut;
  }

  template <class Reply>
  static Reply failed(const caf::error&) {
    if constexpr (std::is_constructible_v<Reply, error>)
      return Reply(make_error(errc::unavailable, "the engine could not answer"));
    else
      return Reply{};  // batches: an empty answer, reported per message by the caller
  }
};

subscription::~subscription() { cancel(); }

void subscription::cancel() {
  if (cancel_) {
    auto fn = std::move(cancel_);
    cancel_ = nullptr;
    fn();
  }
}

message_center::message_center(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

result<std::unique_ptr<message_center>> message_center::open(options opts) {
  if (opts.threads == 0) opts.threads = std::max(1u, std::thread::hardware_concurrency());
  if (opts.shards == 0) opts.shards = opts.threads;
  if (!opts.outbound) opts.outbound = std::make_shared<local_gateway>();
  auto p = std::make_unique<impl>(std::move(opts));
  p->start_callers();
  if (!p->opts.data_dir.empty()) {
    persistence::store_options so;
    so.commit_hook = p->opts.commit_hook;
    auto opened = persistence::store::open(p->opts.data_dir, so);
    if (!opened) return opened.error();
    p->store = std::move(opened.value());
    // Recovery: exactly the acknowledged state, then fold the journal into the snapshot.
    auto recovered = p->store->recover();
    if (!recovered) return recovered.error();
    p->journal = std::make_shared<store_port>(*p->store);
    p->start_shards();
    std::vector<std::future<unit>> hosted;
    for (auto& [id, saved] : recovered->businesses) {
      auto shard = p->shard_for(id);
      p->businesses[id] = shard;
      p->region_of[id] = saved.dir.region;
      p->carrier_of[id] = {saved.dir.settings.twilio_account_sid,
                           saved.dir.settings.twilio_auth_token};
      for (auto& [number, info] : saved.dir.numbers) p->number_owner[number] = id;
      p->next_business_no = std::max(p->next_business_no, saved.business_no + 1);
      auto no = saved.business_no;
      hosted.push_back(p->ask<unit>(
          shard,
          actors::host_business{
              id, no, std::make_shared<const persistence::recovered_business>(std::move(saved))}));
    }
    for (auto& f : hosted) f.get();
    p->recovered_records = recovered->replayed_records;
    // Folding the journal now makes the next open fast; a failure here (a full disk) loses
    // nothing and must not keep a node that recovered from starting to drain its traffic
    // (security review M8): the journal stays, and the background checkpoints retry.
    (void)p->store->compact();
    if (p->opts.checkpoint_every_records > 0) {
      persistence::checkpoint_options co;
      co.every_records = p->opts.checkpoint_every_records;
      if (auto s = p->store->start_checkpoints(co); !s) return s.error();
    }
  }
  if (p->shards.empty()) p->start_shards();
  return std::unique_ptr<message_center>(new message_center(std::move(p)));
}

message_center::~message_center() { close(); }

void message_center::close() {
  if (impl_->closed.exchange(true)) return;
  // Let operations in flight finish (their replies are already on the way).
  while (impl_->in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::unique_lock lock(impl_->mutex);
    impl_->businesses.clear();
  }
  for (auto& shard : impl_->shards) caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  std::vector<caf::actor> sinks;
  {
    std::lock_guard<std::mutex> lock(impl_->sinks->mutex);
    sinks.swap(impl_->sinks->actors);
  }
  for (auto& sink : sinks) caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  for (auto& caller : impl_->callers) caf::anon_send_exit(caller, caf::exit_reason::user_shutdown);
  impl_->sys.await_all_actors_done();
  if (impl_->store) {
    // Everything acknowledged is already durable; folding the journal into the snapshot
    // makes the next open fast. A failure here loses nothing: the journal stays.
    if (impl_->store->flush()) (void)impl_->store->compact();
    (void)impl_->store->close();
  }
}

// ---- admin ------------------------------------------------------------------------------

std::future<result<unit>> message_center::business_put_async(const op_context& ctx,
                                                             business_put_request req) {
  if (impl_->closed) return ready(result<unit>(make_error(errc::unavailable, "engine is closed")));
  if (ctx.business.empty() || ctx.business.size() > 128)
    return ready(
        result<unit>(make_error(errc::invalid_argument, "`business` must be 1-128 characters")));
  std::optional<actors::host_business> host;
  {
    std::unique_lock lock(impl_->mutex);
    auto& slot = impl_->businesses[ctx.business];
    if (!slot) {
      slot = impl_->shard_for(ctx.business);
      host = actors::host_business{ctx.business, impl_->next_business_no++, nullptr};
    }
  }
  // Hosted before its first operation reaches the shard (they may travel by other callers).
  if (host) impl_->ask<unit>(impl_->shard_for(ctx.business), std::move(*host)).get();
  auto region = req.region.empty() ? std::string("US") : req.region;
  auto fut = impl_->call<unit>(ctx, std::move(req));
  auto* p = impl_.get();
  auto business = ctx.business;
  return std::async(std::launch::deferred, [fut = std::move(fut), p, business, region]() mutable {
    auto r = fut.get();
    if (r) {
      // The settings are a patch: the business tells what its credentials are now.
      auto account =
          p->call<carrier_account>({business, "", std::nullopt}, carrier_account_request{}).get();
      std::unique_lock lock(p->mutex);
      p->region_of[business] = region;
      if (account) p->carrier_of[business] = {account->account_sid, account->auth_token};
    }
    return r;
  });
}

result<unit> message_center::business_put(const op_context& ctx, business_put_request req) {
  return business_put_async(ctx, std::move(req)).get();
}

result<number_put_reply> message_center::number_put(const op_context& ctx, number_put_request req) {
  auto target = impl_->business(ctx.business);
  if (!target) return make_error(errc::not_found, "no such business");
  // Numbers are unique across businesses: reserve first, release if the business refuses.
  std::string region;
  {
    std::shared_lock lock(impl_->mutex);
    auto it = impl_->region_of.find(ctx.business);
    region = it == impl_->region_of.end() ? "US" : it->second;
  }
  auto e164 = normalize_phone(req.number, region);
  std::string reserved;
  if (e164) {
    std::unique_lock lock(impl_->mutex);
    auto [it, fresh] = impl_->number_owner.emplace(*e164, ctx.business);
    if (!fresh && it->second != ctx.business)
      return make_error(errc::invalid_argument, "the number belongs to another business");
    if (fresh) reserved = *e164;
  }
  auto r = impl_->call<number_put_reply>(ctx, std::move(req)).get();
  if (!r && !reserved.empty()) {
    std::unique_lock lock(impl_->mutex);
    impl_->number_owner.erase(reserved);
  }
  return r;
}

result<unit> message_center::staff_put(const op_context& ctx, staff_put_request req) {
  return impl_->call<unit>(ctx, std::move(req)).get();
}
result<unit> message_center::template_put(const op_context& ctx, template_put_request req) {
  return impl_->call<unit>(ctx, std::move(req)).get();
}
result<contact_put_reply> message_center::contact_put(const op_context& ctx,
                                                      contact_put_request req) {
  return impl_->call<contact_put_reply>(ctx, std::move(req)).get();
}

// ---- carrier ----------------------------------------------------------------------------

void message_center::ingest_then(const op_context& ctx, std::vector<inbound_request> batch,
                                 ingest_done_fn done) {
  using results = std::vector<result<inbound_reply>>;
  auto refuse_all = [&](errc code, const std::string& text) {
    done(results(batch.size(), result<inbound_reply>(make_error(code, text))));
  };
  if (impl_->closed) return refuse_all(errc::unavailable, "engine is closed");
  if (batch.size() > impl_->opts.max_batch)
    return refuse_all(errc::invalid_argument, "batch larger than max_batch");
  // Group by business (the one named, or the owner of each `to`), keeping positions.
  std::map<std::string, std::pair<std::vector<std::size_t>, actors::inbound_batch>> groups;
  results out(batch.size(), result<inbound_reply>(make_error(errc::unavailable, "?")));
  {
    std::shared_lock lock(impl_->mutex);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::string business = ctx.business;
      if (business.empty()) {
        auto it = impl_->number_owner.find(batch[i].to);
        if (it == impl_->number_owner.end()) {
          out[i] = make_error(errc::not_found, "`to` is not a number of any business");
          continue;
        }
        business = it->second;
      }
      auto& g = groups[business];
      g.first.push_back(i);
      g.second.items.push_back(std::move(batch[i]));
    }
  }
  // One message per shard with every business it hosts (once per batch, not per
  // business); each shard answers on a caller actor and the last answer calls `done`
  // (no thread waits for them).
  struct gather {
    results out;
    std::atomic<std::size_t> left{0};
    ingest_done_fn done;
  };
  auto g = std::make_shared<gather>();
  g->out = std::move(out);
  g->done = std::move(done);
  struct shard_part {
    actors::shard_inbound batch;
    std::vector<std::vector<std::size_t>> index;  ///< positions in the caller's batch
  };
  std::map<caf::actor, shard_part> per_shard;
  for (auto it = groups.begin(); it != groups.end(); ++it) {
    auto target = impl_->business(it->first);
    if (!target) {
      for (auto i : it->second.first) g->out[i] = make_error(errc::not_found, "no such business");
      continue;
    }
    op_context c = ctx;
    c.business = it->first;
    auto& part = per_shard[target];
    part.batch.parts.emplace_back(std::move(c), std::move(it->second.second));
    part.index.push_back(std::move(it->second.first));
  }
  if (per_shard.empty()) return g->done(std::move(g->out));
  g->left = per_shard.size();
  for (auto& [target, part] : per_shard) {
    auto index = std::make_shared<std::vector<std::vector<std::size_t>>>(std::move(part.index));
    impl_->ask_then<actors::shard_inbound_results>(
        target,
        [g, index](actors::shard_inbound_results r) {
          for (std::size_t p = 0; p < index->size(); ++p)
            for (std::size_t k = 0; k < (*index)[p].size(); ++k)
              g->out[(*index)[p][k]] =
                  p < r.size() && k < r[p].size()
                      ? std::move(r[p][k])
                      : result<inbound_reply>(make_error(errc::unavailable, "lost"));
          if (--g->left == 0) g->done(std::move(g->out));
        },
        std::move(part.batch));
  }
}

std::future<std::vector<result<inbound_reply>>> message_center::ingest_async(
    const op_context& ctx, std::vector<inbound_request> batch) {
  using results = std::vector<result<inbound_reply>>;
  auto promise = std::make_shared<std::promise<results>>();
  auto fut = promise->get_future();
  ingest_then(ctx, std::move(batch), [promise](results r) { promise->set_value(std::move(r)); });
  return fut;
}

std::vector<result<inbound_reply>> message_center::ingest(const op_context& ctx,
                                                          std::vector<inbound_request> batch) {
  return ingest_async(ctx, std::move(batch)).get();
}

std::future<result<inbound_reply>> message_center::inbound_async(const op_context& ctx,
                                                                 inbound_request req) {
  auto all = std::make_shared<std::future<std::vector<result<inbound_reply>>>>(
      ingest_async(ctx, {std::move(req)}));
  return std::async(std::launch::deferred, [all]() {
    auto r = all->get();
    return r.empty() ? result<inbound_reply>(make_error(errc::unavailable, "lost"))
                     : std::move(r[0]);
  });
}

result<inbound_reply> message_center::inbound(const op_context& ctx, inbound_request req) {
  auto r = ingest(ctx, {std::move(req)});
  return r.empty() ? result<inbound_reply>(make_error(errc::unavailable, "lost")) : std::move(r[0]);
}

void message_center::status_then(const op_context& ctx, status_request req, status_done_fn done) {
  if (impl_->closed) return done(make_error(errc::unavailable, "engine is closed"));
  if (ctx.business.empty())
    return done(make_error(errc::invalid_argument, "status_then needs ctx.business"));
  auto target = impl_->business(ctx.business);
  if (!target) return done(make_error(errc::not_found, "no such business"));
  impl_->ask_then<result<status_reply>>(target, std::move(done), ctx, std::move(req));
}

result<status_reply> message_center::status(const op_context& ctx, status_request req) {
  if (!ctx.business.empty()) return impl_->call<status_reply>(ctx, std::move(req)).get();
  // A carrier callback names no business: ask each until one knows the provider id.
  std::vector<std::string> all;
  {
    std::shared_lock lock(impl_->mutex);
    for (auto& [id, actor] : impl_->businesses) all.push_back(id);
  }
  for (auto& id : all) {
    op_context c = ctx;
    c.business = id;
    auto r = impl_->call<status_reply>(c, req).get();
    if (r || r.error().code != errc::not_found) return r;
  }
  return make_error(errc::not_found, "unknown provider_id");
}

// ---- staff ------------------------------------------------------------------------------

std::future<result<send_reply>> message_center::send_async(const op_context& ctx,
                                                           send_request req) {
  return impl_->call<send_reply>(ctx, std::move(req));
}
result<send_reply> message_center::send(const op_context& ctx, send_request req) {
  return send_async(ctx, std::move(req)).get();
}
result<consent_state_reply> message_center::consent_request(const op_context& ctx,
                                                            consent_request_args req) {
  return impl_->call<consent_state_reply>(ctx, std::move(req)).get();
}
result<consent_state_reply> message_center::consent_get(const op_context& ctx,
                                                        consent_get_args req) {
  return impl_->call<consent_state_reply>(ctx, std::move(req)).get();
}
result<conversation_get_reply> message_center::conversation_get(const op_context& ctx,
                                                                conversation_get_request req) {
  return impl_->call<conversation_get_reply>(ctx, std::move(req)).get();
}
std::future<result<messages_reply>> message_center::conversation_messages_async(
    const op_context& ctx, messages_request req) {
  return impl_->call<messages_reply>(ctx, std::move(req));
}
result<messages_reply> message_center::conversation_messages(const op_context& ctx,
                                                             messages_request req) {
  return conversation_messages_async(ctx, std::move(req)).get();
}
std::future<result<inbox_row>> message_center::conversation_action_async(const op_context& ctx,
                                                                         action_request req) {
  return impl_->call<inbox_row>(ctx, std::move(req));
}
result<inbox_row> message_center::conversation_action(const op_context& ctx, action_request req) {
  return conversation_action_async(ctx, std::move(req)).get();
}
result<bulk_reply> message_center::conversation_bulk(const op_context& ctx, bulk_request req) {
  return impl_->call<bulk_reply>(ctx, std::move(req)).get();
}
std::future<result<inbox_page>> message_center::inbox_list_async(const op_context& ctx,
                                                                 inbox_query req) {
  return impl_->call<inbox_page>(ctx, std::move(req));
}
result<inbox_page> message_center::inbox_list(const op_context& ctx, inbox_query req) {
  return inbox_list_async(ctx, std::move(req)).get();
}
std::future<result<badge>> message_center::inbox_badge_async(const op_context& ctx) {
  return impl_->call<badge>(ctx, badge_request{});
}
result<badge> message_center::inbox_badge(const op_context& ctx) {
  return inbox_badge_async(ctx).get();
}
result<std::vector<alert>> message_center::alerts_list(const op_context& ctx,
                                                       alerts_list_request req) {
  return impl_->call<std::vector<alert>>(ctx, std::move(req)).get();
}
result<unit> message_center::alerts_ack(const op_context& ctx, alerts_ack_request req) {
  return impl_->call<unit>(ctx, std::move(req)).get();
}
result<history_reply> message_center::contact_history(const op_context& ctx, history_request req) {
  return impl_->call<history_reply>(ctx, std::move(req)).get();
}
result<export_reply> message_center::export_csv(const op_context& ctx, export_request req) {
  // Page by page: each page is one short turn of the business's shard, so a large export
  // never holds up the other businesses it hosts (security review M9).
  export_reply all;
  req.after = 0;
  for (;;) {
    auto page = impl_->call<export_reply>(ctx, req).get();
    if (!page) return page.error();
    all.csv += page->csv;
    if (page->next == 0) return all;
    req.after = page->next;
  }
}

result<staff_me_reply> message_center::staff_me(const op_context& ctx) {
  return impl_->call<staff_me_reply>(ctx, staff_me_request{}).get();
}
result<staff_list_reply> message_center::staff_list(const op_context& ctx) {
  return impl_->call<staff_list_reply>(ctx, staff_list_request{}).get();
}
result<template_list_reply> message_center::template_list(const op_context& ctx) {
  return impl_->call<template_list_reply>(ctx, template_list_request{}).get();
}
result<folder_counts> message_center::inbox_counts(const op_context& ctx,
                                                   inbox_counts_request req) {
  return impl_->call<folder_counts>(ctx, std::move(req)).get();
}
result<unit> message_center::presence_set(const op_context& ctx, presence_request req) {
  return impl_->call<unit>(ctx, std::move(req)).get();
}

result<carrier_account> message_center::carrier_account_for(const std::string& number) const {
  std::shared_lock lock(impl_->mutex);
  auto it = impl_->number_owner.find(number);
  if (it == impl_->number_owner.end())
    return make_error(errc::not_found, "no business owns the number");
  carrier_account out;
  out.business = it->second;
  if (auto c = impl_->carrier_of.find(out.business); c != impl_->carrier_of.end()) {
    out.account_sid = c->second.first;
    out.auth_token = c->second.second;
  }
  return out;
}

result<unit> message_center::authorize(const op_context& ctx, right needed) {
  return impl_->call<unit>(ctx, authorize_request{needed}).get();
}

result<unit> message_center::health() const {
  if (impl_->closed) return make_error(errc::unavailable, "the engine is closed");
  if (impl_->store && impl_->store->stats().journal.failed)
    return make_error(errc::unavailable,
                      "the journal stopped after a failed commit: writes are refused");
  return unit{};
}

engine_stats message_center::stats() const {
  engine_stats s;
  s.actors_running = impl_->sys.registry().running();
  s.calls_in_flight = impl_->in_flight.load();
  if (impl_->store) {
    const auto st = impl_->store->stats();
    s.durable = true;
    s.journal_commits = st.journal.commits;
    s.journal_records = st.journal.records;
    s.journal_commit_nanos_total = st.journal.commit_nanos_total;
    s.journal_commit_nanos_max = st.journal.commit_nanos_max;
    s.journal_queued_records = st.journal.queued_records;
    s.checkpoints = st.checkpoints;
    s.checkpoint_failures = st.checkpoint_failures;
  }
  return s;
}

// ---- real time --------------------------------------------------------------------------

result<subscription> message_center::subscribe(const op_context& ctx, event_fn fn,
                                               std::uint64_t after_seq) {
  auto target = impl_->business(ctx.business);
  if (!target) return make_error(errc::not_found, "no such business");
  auto sink = impl_->sys.spawn(
      [](caf::event_based_actor*, event_fn fn) -> caf::behavior {
        return {[fn](staff_event& ev) { fn(ev); }};
      },
      std::move(fn));
  auto started = impl_->call<std::uint64_t>(ctx, actors::inbox_subscribe{sink, after_seq}).get();
  if (!started) {
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
    return started.error();
  }
  {
    std::lock_guard<std::mutex> lock(impl_->sinks->mutex);
    impl_->sinks->actors.push_back(sink);
  }
  subscription sub;
  sub.start_seq_ = started.value();
  auto closed = impl_->closed_flag;
  auto c = ctx;
  std::weak_ptr<impl::sink_list> registry = impl_->sinks;
  sub.cancel_ = [closed, registry, target, sink, c]() {
    if (*closed) return;                // the engine stopped every actor already
    if (auto list = registry.lock()) {  // forget the sink: reconnecting clients must not pile up
      std::lock_guard<std::mutex> lock(list->mutex);
      auto& v = list->actors;
      v.erase(std::remove(v.begin(), v.end(), sink), v.end());
    }
    caf::anon_send(target, c, actors::inbox_unsubscribe{sink});
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  };
  return sub;
}

}  // namespace msgcenter
