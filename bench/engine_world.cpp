#include "engine_world.hpp"

#include <utility>

namespace msgcenter::bench {

std::string staff_id(std::size_t i) { return "s" + std::to_string(i); }

burst_outcome run_burst(message_center& mc, const burst_source& src, std::uint64_t first,
                        std::uint64_t count, std::size_t batch, std::size_t window,
                        std::vector<conversation_id>* ids) {
  struct in_flight {
    std::future<std::vector<result<inbound_reply>>> fut;
    clock_type::time_point start;
    std::uint64_t first;
  };
  burst_outcome out;
  const op_context ctx{kBusiness, "", std::nullopt};
  std::deque<in_flight> q;
  auto settle = [&] {
    auto& f = q.front();
    auto results = f.fut.get();
    out.batch_ms.push_back(ms_since(f.start));
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i]) {
        ++out.ok;
        if (ids) (*ids)[src.conversation_of(f.first + i)] = results[i].value().conversation;
      } else {
        ++out.failed;
        if (out.first_error.empty()) out.first_error = results[i].error().message;
      }
    }
    if (results.empty()) {  // the engine could not answer at all
      ++out.failed;
      if (out.first_error.empty()) out.first_error = "no results for a batch";
    }
    q.pop_front();
  };
  auto t0 = clock_type::now();
  for (std::uint64_t k = first; k < first + count; k += batch) {
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(batch, first + count - k));
    auto b = src.batch(k, n);
    q.push_back({mc.ingest_async(ctx, std::move(b)), clock_type::now(), k});
    if (q.size() >= window) settle();
  }
  while (!q.empty()) settle();
  out.seconds = ms_since(t0) / 1000.0;
  return out;
}

engine_world::engine_world(world_params p, std::unique_ptr<message_center> mc)
    : p_(p), mc_(std::move(mc)), src_(p.conversations) {}

engine_world::~engine_world() {
  if (mc_) mc_->close();
  mc_.reset();
  remove_tree(data_dir);
}

result<std::unique_ptr<engine_world>> engine_world::make(const world_params& p) {
  options o;
  o.threads = p.threads;
  std::string dir;
  if (p.durable) {
    dir = make_temp_dir("msgcenter-bench");
    if (dir.empty()) return make_error(errc::unavailable, "cannot create a data directory");
    o.data_dir = dir;
  }
  auto opened = message_center::open(o);
  if (!opened) {
    remove_tree(dir);
    return std::move(opened).error();
  }
  std::unique_ptr<engine_world> w(new engine_world(p, std::move(opened.value())));
  w->data_dir = dir;
  auto& mc = *w->mc_;
  const op_context admin{kBusiness, "", std::nullopt};

  business_put_request bp;
  bp.name = "Bench Spa";
  bp.region = "US";
  bp.default_number = kNumber;
  bp.settings.read_status = p.mode;
  bp.settings.visibility = visibility_mode::all;
  if (auto r = mc.business_put(admin, bp); !r) return std::move(r).error();
  if (auto r = mc.number_put(admin, {kNumber, "main"}); !r) return std::move(r).error();
  const auto subscribed = p.staff * static_cast<std::size_t>(p.subscribed_pct) / 100;
  for (std::size_t s = 0; s < p.staff; ++s) {
    staff_put_request sp;
    sp.staff = staff_id(s);
    sp.name = "Staff " + std::to_string(s);
    sp.rights = bit(right::view_messages) | bit(right::manage_messages) | bit(right::send_sms);
    sp.subscribe_all = s < subscribed;
    if (auto r = mc.staff_put(admin, sp); !r) return std::move(r).error();
  }

  // Warm-up: one message into every conversation.
  w->ids_.assign(p.conversations, 0);
  auto rss0 = rss_bytes();
  auto t0 = clock_type::now();
  auto warm = run_burst(mc, w->src_, 0, p.conversations, 1000, 4, &w->ids_);
  w->warmup_seconds = ms_since(t0) / 1000.0;
  auto rss1 = rss_bytes();
  w->warmup_rss_delta = rss1 > rss0 ? rss1 - rss0 : 0;
  if (warm.failed) return make_error(errc::unavailable, "warm-up failed: " + warm.first_error);
  w->next_message = p.conversations;

  // Assignments: conversation i is assigned when (i * 37) % 100 < share, round robin.
  if (p.assigned_pct > 0 && p.staff > 0) {
    const op_context manager{kBusiness, staff_id(0), std::nullopt};
    std::deque<std::future<result<inbox_row>>> q;
    for (std::uint64_t i = 0; i < p.conversations; ++i) {
      if (static_cast<int>((i * 37) % 100) >= p.assigned_pct) continue;
      action_request a;
      a.conversation = w->ids_[i];
      a.action = conversation_action::assign;
      a.staff = staff_id(i % p.staff);
      q.push_back(mc.conversation_action_async(manager, a));
      if (q.size() >= 64) {
        if (auto r = q.front().get(); !r) return std::move(r).error();
        q.pop_front();
      }
    }
    for (auto& f : q)
      if (auto r = f.get(); !r) return std::move(r).error();
  }
  // Mutes: staff member s mutes conversation i when (i * 53 + s * 17) % 100 < share.
  if (p.muted_pct > 0) {
    for (std::size_t s = 0; s < p.staff; ++s) {
      const op_context me{kBusiness, staff_id(s), std::nullopt};
      bulk_request b;
      b.action = conversation_action::mute;
      auto flush = [&]() -> status {
        if (b.conversations.empty()) return unit{};
        auto r = mc.conversation_bulk(me, b);
        b.conversations.clear();
        if (!r) return std::move(r).error();
        return unit{};
      };
      for (std::uint64_t i = 0; i < p.conversations; ++i) {
        if (static_cast<int>((i * 53 + s * 17) % 100) >= p.muted_pct) continue;
        b.conversations.push_back(w->ids_[i]);
        if (b.conversations.size() == 500)
          if (auto r = flush(); !r) return std::move(r).error();
      }
      if (auto r = flush(); !r) return std::move(r).error();
    }
  }
  return result<std::unique_ptr<engine_world>>(std::move(w));
}

namespace {
std::unique_ptr<engine_world>& cache() {
  static std::unique_ptr<engine_world> w;
  return w;
}
}  // namespace

result<engine_world*> cached_world(const world_params& p) {
  auto& w = cache();
  if (w && w->params() == p) return w.get();
  w.reset();
  auto made = engine_world::make(p);
  if (!made) return std::move(made).error();
  w = std::move(made.value());
  return w.get();
}

void drop_cached_world() { cache().reset(); }

}  // namespace msgcenter::bench
