// Embedding msgcenter: subscribe to a staff member's live events while a burst arrives.
#include <atomic>
#include <chrono>
#include <iostream>
#include <msgcenter/message_center.hpp>
#include <thread>

int main() {
  using namespace msgcenter;
  auto opened = message_center::open({});
  if (!opened) return 1;
  message_center& mc = *opened.value();
  const op_context admin{"gym", "", std::nullopt};
  const op_context desk{"gym", "desk", std::nullopt};
  if (!mc.business_put(admin, {"Iron Gym", "US", "", {}})) return 1;
  if (!mc.number_put(admin, {"+12025550111", "main"})) return 1;
  if (!mc.staff_put(admin, {"desk", "Front desk", bit(right::view_messages), {}, true})) return 1;

  std::atomic<int> badges{0};
  std::atomic<std::uint64_t> last_unread{0};
  auto sub = mc.subscribe(desk, [&](const staff_event& ev) {
    if (ev.kind == event_kind::badge) {
      ++badges;
      last_unread = ev.badge_value.unread_messages;
    }
  });
  if (!sub) return 1;

  // A burst: replies to a class-cancellation text, ingested as one batch.
  std::vector<inbound_request> burst;
  for (int i = 0; i < 500; ++i)
    burst.push_back({"+1202556" + std::to_string(1000 + i),
                     "+12025550111",
                     "OK thanks",
                     {},
                     "SMg" + std::to_string(i),
                     std::nullopt});
  auto results = mc.ingest(admin, burst);
  int ok = 0;
  for (auto& r : results) ok += r.ok() ? 1 : 0;

  for (int i = 0; i < 200 && last_unread.load() < 500; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::cout << ok << " messages acknowledged; " << badges.load() << " badge events; badge shows "
            << last_unread.load() << " unread\n";
  sub->cancel();
  mc.close();
  return ok == 500 && last_unread.load() == 500 ? 0 : 1;
}
