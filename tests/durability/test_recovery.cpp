// Durability: recovery restores exactly the acknowledged state; a failed commit
// acknowledges nothing. Real LMDB files in a fresh directory per test.
#include <gtest/gtest.h>
#include <lmdb.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>

#include "engine_dump.hpp"
#include "msgcenter/message_center.hpp"

namespace msgcenter::testing {
namespace {

namespace fs = std::filesystem;

class scratch {
 public:
  scratch() {
    auto base = fs::temp_directory_path() / "msgcenter-durability";
    fs::create_directories(base);
    std::string tmpl = (base / "XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

rights_mask everything() {
  return bit(right::view_messages) | bit(right::manage_messages) | bit(right::send_sms) |
         bit(right::remove_feed) | bit(right::export_) | bit(right::admin);
}

const std::vector<std::string> kStaff{"ana", "ben", "cleo"};
const std::vector<std::string> kPhones{"+12025550142", "+12025550143", "+12025550144",
                                       "+12025550145", "+12025550146"};
const std::vector<std::string> kNumbers{"+12025550100", "+12025550101"};

std::vector<std::pair<std::string, std::string>> consent_keys() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& p : kPhones)
    for (auto& n : kNumbers) out.emplace_back(p, n);
  return out;
}

/// Applies a random history of every kind of state change; fixed times make it repeatable.
void random_history(message_center& mc, unsigned seed, int steps) {
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  millis t = 1'790'000'000'000;
  auto at = [&](const std::string& staff) {
    t += 1000;
    return op_context{"b", staff, t};
  };
  ASSERT_TRUE(mc.business_put(at(""), {"Biz", "US", "", {}}).ok());
  for (auto& n : kNumbers)
    ASSERT_TRUE(mc.number_put(at(""), {n, n == kNumbers[0] ? "north" : "south"}).ok());
  ASSERT_TRUE(mc.staff_put(at(""), {"ana", "Ana", everything(), {}, false}).ok());
  ASSERT_TRUE(
      mc.staff_put(at(""),
                   {"ben", "Ben", bit(right::view_messages) | bit(right::send_sms), {}, false})
          .ok());
  ASSERT_TRUE(
      mc.staff_put(at(""), {"cleo", "Cleo", bit(right::view_messages), {"north"}, true}).ok());
  contact c;
  c.id = "k1";
  c.first_name = "Zoë";
  c.last_name = "Martin";
  c.phones = {kPhones[0]};
  c.sales_owner = "ben";
  ASSERT_TRUE(mc.contact_put(at(""), {c}).ok());
  std::vector<conversation_id> convs;
  std::vector<std::string> sent_provider_ids;
  int provider = 0;
  const std::vector<std::string> bodies{"hello", "STOP",        "START",     "HELP",
                                        "YES",   "can I book?", "Zoë here 😀"};
  for (int step = 0; step < steps; ++step) {
    auto& staff = kStaff[pick(kStaff.size())];
    switch (pick(12)) {
      case 0:
      case 1:
      case 2: {
        auto r = mc.inbound(at(""), {kPhones[pick(kPhones.size())],
                                     kNumbers[pick(kNumbers.size())],
                                     bodies[pick(bodies.size())],
                                     {},
                                     "SMin" + std::to_string(provider++),
                                     std::nullopt});
        if (r && std::find(convs.begin(), convs.end(), r->conversation) == convs.end())
          convs.push_back(r->conversation);
        break;
      }
      case 3: {
        send_request s;
        s.phone = kPhones[pick(kPhones.size())];
        s.number = kNumbers[pick(kNumbers.size())];
        s.body = "reply " + std::to_string(step);
        s.kind = pick(3) == 0 ? message_kind::campaign : message_kind::manual;
        auto r = mc.send(at("ana"), s);
        if (r) sent_provider_ids.push_back(r->stored.provider_id);
        break;
      }
      case 4:
        if (!sent_provider_ids.empty()) {
          const message_status statuses[] = {message_status::sent, message_status::delivered,
                                             message_status::failed, message_status::undelivered};
          (void)mc.status(at(""), {sent_provider_ids[pick(sent_provider_ids.size())],
                                   statuses[pick(4)], "30003"});
        }
        break;
      case 5:
      case 6:
      case 7:
        if (!convs.empty()) {
          const conversation_action actions[] = {
              conversation_action::mark_read, conversation_action::mark_unread,
              conversation_action::archive,   conversation_action::unarchive,
              conversation_action::mute,      conversation_action::unmute,
              conversation_action::pin,       conversation_action::unpin,
              conversation_action::hide,      conversation_action::assign,
              conversation_action::unassign};
          action_request a{convs[pick(convs.size())], actions[pick(11)],
                           kStaff[pick(kStaff.size())]};
          (void)mc.conversation_action(at(staff), a);
        }
        break;
      case 8:
        if (!convs.empty())
          (void)mc.conversation_messages(at(staff),
                                         {convs[pick(convs.size())], std::nullopt, 50, true});
        break;
      case 9: {
        auto alerts = mc.alerts_list(at(staff), {50});
        if (alerts && !alerts->empty())
          (void)mc.alerts_ack(at(staff), {(*alerts)[pick(alerts->size())].id});
        break;
      }
      case 10: {
        business_put_request r{"Biz", "US", "", {}};
        r.settings.read_status = pick(2) ? read_status_mode::per_staff : read_status_mode::shared;
        r.settings.visibility = pick(3) == 0 ? visibility_mode::assigned : visibility_mode::all;
        ASSERT_TRUE(mc.business_put(at(""), r).ok());
        break;
      }
      case 11: {
        contact k;
        k.id = "k" + std::to_string(pick(4));
        k.first_name = "Name" + std::to_string(step);
        k.phones = {kPhones[pick(kPhones.size())]};
        k.service_owner = kStaff[pick(kStaff.size())];
        ASSERT_TRUE(mc.contact_put(at(""), {k}).ok());
        break;
      }
    }
  }
}

std::unique_ptr<message_center> open_at(const std::string& dir) {
  options o;
  o.data_dir = dir;
  auto mc = message_center::open(o);
  EXPECT_TRUE(mc.ok()) << (mc.ok() ? "" : mc.error().message);
  return mc.ok() ? std::move(mc.value()) : nullptr;
}

nlohmann::json dump(message_center& mc) {
  return dump_engine(mc, "b", kStaff, "ana", consent_keys());
}

class Recovery : public ::testing::TestWithParam<unsigned> {};

TEST_P(Recovery, RestartRestoresExactlyTheStateBeforeClose) {
  scratch dir;
  nlohmann::json before;
  {
    auto mc = open_at(dir.path());
    ASSERT_TRUE(mc);
    random_history(*mc, GetParam(), 250);
    before = dump(*mc);
    mc->close();
  }
  ASSERT_FALSE(before["export"].get<std::string>().empty());
  auto mc = open_at(dir.path());
  ASSERT_TRUE(mc);
  auto after = dump(*mc);
  EXPECT_EQ(before, after) << "diff: " << nlohmann::json::diff(before, after).dump(1);
  // And once more: a second restart (from the compacted snapshot alone) changes nothing.
  mc->close();
  mc = open_at(dir.path());
  ASSERT_TRUE(mc);
  EXPECT_EQ(before, dump(*mc));
}

TEST_P(Recovery, DurableEngineBehavesLikeTheMemoryEngine) {
  scratch dir;
  auto durable = open_at(dir.path());
  auto memory = std::move(message_center::open({}).value());
  ASSERT_TRUE(durable);
  random_history(*durable, GetParam(), 150);
  random_history(*memory, GetParam(), 150);
  EXPECT_EQ(dump(*durable), dump(*memory));
}

INSTANTIATE_TEST_SUITE_P(Seeds, Recovery, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

TEST(Durability, DuplicateAfterRestart_AnswersTheOriginal) {
  scratch dir;
  message_id original = 0;
  {
    auto mc = open_at(dir.path());
    ASSERT_TRUE(mc->business_put({"b"}, {"Biz", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put({"b"}, {"+12025550100", "x"}).ok());
    auto r = mc->inbound({"b"}, {"+12025550142", "+12025550100", "hi", {}, "SMdup", std::nullopt});
    ASSERT_TRUE(r.ok());
    original = r->stored.id;
  }  // destructor closes
  auto mc = open_at(dir.path());
  auto again = mc->inbound({""}, {"+12025550142", "+12025550100", "hi", {}, "SMdup", std::nullopt});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->stored.id, original);
  auto next = mc->inbound({""}, {"+12025550142", "+12025550100", "new", {}, "SMnew", std::nullopt});
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->stored.id, original) << "ids are never reused after a restart";
}

TEST(Durability, FailedCommit_AcknowledgesNothing_AndStopsAcknowledging) {
  scratch dir;
  std::atomic<int> commits{0};
  std::atomic<int> fail_from{1 << 30};
  {
    options o;
    o.data_dir = dir.path();
    o.commit_hook = [&] { return ++commits >= fail_from.load() ? MDB_PANIC : 0; };
    auto mc = std::move(message_center::open(o).value());
    ASSERT_TRUE(mc->business_put({"b"}, {"Biz", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put({"b"}, {"+12025550100", "x"}).ok());
    ASSERT_TRUE(
        mc->inbound({"b"}, {"+12025550142", "+12025550100", "kept", {}, "SMok", std::nullopt})
            .ok());
    fail_from = commits.load() + 1;  // the next commit fails
    auto lost =
        mc->inbound({"b"}, {"+12025550143", "+12025550100", "lost", {}, "SMlost", std::nullopt});
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.error().code, errc::unavailable);
    fail_from = 1 << 30;  // even if the disk recovered, the engine must not pretend
    auto later =
        mc->inbound({"b"}, {"+12025550144", "+12025550100", "later", {}, "SMlater", std::nullopt});
    ASSERT_FALSE(later.ok());
    EXPECT_EQ(later.error().code, errc::unavailable);
  }
  auto mc = open_at(dir.path());
  ASSERT_TRUE(mc);
  auto kept =
      mc->inbound({"b"}, {"+12025550142", "+12025550100", "kept", {}, "SMok", std::nullopt});
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->duplicate) << "the acknowledged message survived";
  auto lost =
      mc->inbound({"b"}, {"+12025550143", "+12025550100", "lost", {}, "SMlost", std::nullopt});
  ASSERT_TRUE(lost.ok());
  EXPECT_FALSE(lost->duplicate) << "the refused message was not stored";
}

// Security review H4: after a failed commit the engine answers nothing from memory. A
// carrier's retry of the refused MessageSid is refused again (never `duplicate` for what was
// never durable), reads do not show it, and after a restart the retry is accepted as new.
TEST(Durability, FailedCommit_ARetryIsNeverADuplicate_AndNothingOfItIsShown) {
  scratch dir;
  std::atomic<bool> fail{false};
  {
    options o;
    o.data_dir = dir.path();
    o.commit_hook = [&] { return fail.load() ? EIO : 0; };
    auto mc = std::move(message_center::open(o).value());
    ASSERT_TRUE(mc->business_put({"b"}, {"Biz", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put({"b"}, {"+12025550100", "x"}).ok());
    ASSERT_TRUE(mc->staff_put({"b"}, {"ana", "Ana", bit(right::view_messages), {}, false}).ok());
    ASSERT_TRUE(mc->health().ok());
    fail = true;
    auto first =
        mc->inbound({"b"}, {"+12025550143", "+12025550100", "lost", {}, "SM9", std::nullopt});
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, errc::unavailable);
    fail = false;  // the disk is back, but what was refused stays refused until a restart
    auto retry =
        mc->inbound({"b"}, {"+12025550143", "+12025550100", "lost", {}, "SM9", std::nullopt});
    ASSERT_FALSE(retry.ok()) << "a retry answered from memory would call it a duplicate";
    EXPECT_EQ(retry.error().code, errc::unavailable);
    auto listed = mc->inbox_list({"b", "ana"}, {});
    ASSERT_FALSE(listed.ok()) << "the refused message must not be shown either";
    EXPECT_EQ(listed.error().code, errc::unavailable);
    auto staff = mc->staff_put({"b"}, {"eve", "Eve", bit(right::view_messages), {}, false});
    ASSERT_FALSE(staff.ok());
    EXPECT_FALSE(mc->health().ok());
  }
  auto mc = open_at(dir.path());
  ASSERT_TRUE(mc);
  EXPECT_TRUE(mc->health().ok());
  auto page = mc->inbox_list({"b", "ana"}, {});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_TRUE(page->rows.empty()) << "nothing of the refused message survived";
  auto retry =
      mc->inbound({"b"}, {"+12025550143", "+12025550100", "lost", {}, "SM9", std::nullopt});
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_FALSE(retry->duplicate) << "the retry after the fault is accepted as new";
  EXPECT_FALSE(mc->inbox_badge({"b", "eve"}).ok()) << "the refused staff member does not exist";
}

// Issue 10 / security review L1: a client resuming with the Last-Event-ID it had before a
// restart is told to refetch (`reset`), never handed silently fewer events; and ids of the
// new run are above every id of the old one, so none is mistaken for a duplicate.
TEST(Durability, ResumingAcrossARestart_GetsAReset_AndLargerIds) {
  scratch dir;
  struct seen {
    std::mutex m;
    std::condition_variable cv;
    std::vector<staff_event> events;
  };
  auto collect = [](seen& s) {
    return [&s](const staff_event& ev) {
      std::lock_guard<std::mutex> g(s.m);
      s.events.push_back(ev);
      s.cv.notify_all();
    };
  };
  auto wait_for = [](seen& s, std::size_t n) {
    std::unique_lock<std::mutex> lock(s.m);
    return s.cv.wait_for(lock, std::chrono::seconds(5), [&] { return s.events.size() >= n; });
  };
  std::uint64_t last_before = 0;
  {
    auto mc = open_at(dir.path());
    ASSERT_TRUE(mc->business_put({"b"}, {"Biz", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put({"b"}, {"+12025550100", "x"}).ok());
    ASSERT_TRUE(mc->staff_put({"b"}, {"ana", "Ana", bit(right::view_messages), {}, false}).ok());
    seen before;
    auto sub = mc->subscribe({"b", "ana"}, collect(before));
    ASSERT_TRUE(sub.ok());
    ASSERT_TRUE(
        mc->inbound({"b"}, {"+12025550142", "+12025550100", "one", {}, "SM1", std::nullopt}).ok());
    ASSERT_TRUE(wait_for(before, 1));
    std::lock_guard<std::mutex> g(before.m);
    last_before = before.events.back().seq;
  }
  auto mc = open_at(dir.path());
  ASSERT_TRUE(mc);
  seen after;
  auto sub = mc->subscribe({"b", "ana"}, collect(after), last_before);
  ASSERT_TRUE(sub.ok()) << sub.error().message;
  ASSERT_TRUE(wait_for(after, 1));
  {
    std::lock_guard<std::mutex> g(after.m);
    EXPECT_EQ(after.events.front().kind, event_kind::reset) << "refetch: the old events are gone";
  }
  ASSERT_TRUE(
      mc->inbound({"b"}, {"+12025550143", "+12025550100", "two", {}, "SM2", std::nullopt}).ok());
  ASSERT_TRUE(wait_for(after, 2));
  std::lock_guard<std::mutex> g(after.m);
  EXPECT_GT(after.events.back().seq, last_before) << "the new run's ids are above the old run's";
  EXPECT_NE(after.events.back().kind, event_kind::reset);
}

}  // namespace
}  // namespace msgcenter::testing
