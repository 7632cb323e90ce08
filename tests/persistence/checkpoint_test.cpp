// Background checkpoints (issue 10, security review M8): while a store takes appends, it
// folds the journal into the snapshot by itself, so the journal stays bounded and a reopen
// recovers exactly what was appended.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "msgcenter/persistence/records.hpp"
#include "msgcenter/persistence/store.hpp"
#include "persistence/test_support.hpp"

namespace msgcenter::persistence {
namespace {

using testing::temp_dir;
using namespace std::chrono_literals;

/// Waits (up to 10 s) until `done()` holds.
template <class Pred>
bool eventually(Pred done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(Checkpoints, WhileTheStoreRuns_TheJournalStaysBounded_AndRecoveryIsExact) {
  temp_dir dir;
  constexpr std::uint64_t kEvery = 500;
  std::map<std::string, std::string> expected;  // contact id -> first name
  {
    auto opened = store::open(dir.str());
    ASSERT_TRUE(opened) << opened.error().message;
    auto& s = *opened.value();
    ASSERT_TRUE(s.recover());
    checkpoint_options o;
    o.every_records = kEvery;
    o.poll = 5ms;
    ASSERT_TRUE(s.start_checkpoints(o));
    EXPECT_FALSE(s.start_checkpoints(o)) << "once";
    directory d;
    d.business = "b";
    s.append(encode_record(directory_record{1, d}), [](status) {});
    std::uint64_t most_past_snapshot = 0;
    for (int i = 0; i < 6000; ++i) {
      contact c;
      c.id = "c" + std::to_string(i % 700);  // later records overwrite earlier ones
      c.first_name = "n" + std::to_string(i);
      expected[c.id] = c.first_name;
      s.append(encode_record(contact_record{"b", c}), [](status st) { ASSERT_TRUE(st); });
      if (i % 1000 == 999) {
        ASSERT_TRUE(s.flush());
        const auto last = s.stats().journal.last_sequence;
        // The checkpointer catches up by itself (no compact() is called here).
        ASSERT_TRUE(eventually([&] { return last - s.stats().snapshot_seq < kEvery; }))
            << "records past the snapshot: " << last - s.stats().snapshot_seq;
        most_past_snapshot =
            std::max(most_past_snapshot, s.stats().journal.last_sequence - s.stats().snapshot_seq);
      }
    }
    EXPECT_GE(s.stats().checkpoints, 5u);
    EXPECT_EQ(s.stats().checkpoint_failures, 0u);
    EXPECT_LT(most_past_snapshot, kEvery) << "the journal stays bounded";
    ASSERT_TRUE(s.close());
  }
  auto again = store::open(dir.str());
  ASSERT_TRUE(again);
  auto st = again.value()->recover();
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_LT(st->replayed_records, kEvery) << "a reopen folds only the journal's tail";
  const auto& contacts = st->businesses.at("b").contacts;
  ASSERT_EQ(contacts.size(), expected.size());
  for (const auto& [id, name] : expected) EXPECT_EQ(contacts.at(id).first_name, name) << id;
}

}  // namespace
}  // namespace msgcenter::persistence
