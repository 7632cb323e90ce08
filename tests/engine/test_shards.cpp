// Businesses spread over several shards: one ingest with texts for many businesses reaches
// each shard once, and every business sees exactly its own texts, in order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "msgcenter/actors/shard.hpp"

namespace msgcenter::testing {
namespace {

TEST(Shards, OneIngestForManyBusinessesOnSeveralShards_EachGetsItsOwnInOrder) {
  options o;
  o.threads = 2;
  o.shards = 3;
  auto mc = std::move(message_center::open(o).value());
  const int businesses = 7;
  std::vector<std::string> ids, numbers;
  std::vector<bool> shard_used(o.shards, false);
  for (int b = 0; b < businesses; ++b) {
    ids.push_back("biz" + std::to_string(b));
    numbers.push_back("+1202555020" + std::to_string(b));
    shard_used[actors::shard_of(ids.back(), o.shards)] = true;
    op_context admin{ids.back(), "", std::nullopt};
    ASSERT_TRUE(mc->business_put(admin, {"Biz", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put(admin, {numbers.back(), "main"}).ok());
    ASSERT_TRUE(mc->staff_put(admin, {"s", "S", all_rights(), {}, false}).ok());
  }
  for (bool used : shard_used) ASSERT_TRUE(used) << "the ids must spread over every shard";
  const auto actors_before = mc->stats().actors_running;
  // Interleaved: business b gets texts b, b + 7, b + 14, ... from one client each.
  std::vector<inbound_request> batch;
  for (int i = 0; i < 70; ++i) {
    int b = i % businesses;
    batch.push_back(
        {"+12025550142", numbers[b], "text " + std::to_string(i), {}, "", std::nullopt});
  }
  auto replies = mc->ingest({"", "", std::nullopt}, batch);  // owners found by number
  ASSERT_EQ(replies.size(), batch.size());
  for (std::size_t i = 0; i < replies.size(); ++i) {
    ASSERT_TRUE(replies[i].ok()) << i << ": " << replies[i].error().message;
    EXPECT_EQ(replies[i]->stored.body, batch[i].body) << "answers stay in the caller's order";
  }
  EXPECT_EQ(mc->stats().actors_running, actors_before);
  for (int b = 0; b < businesses; ++b) {
    op_context staff{ids[b], "s", std::nullopt};
    auto page = mc->inbox_list(staff, {});
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->rows.size(), 1u) << ids[b];
    EXPECT_EQ(page->rows[0].unread_count, 10u) << ids[b];
    messages_request m;
    m.conversation = page->rows[0].view.id;
    auto thread = mc->conversation_messages(staff, m);
    ASSERT_TRUE(thread.ok());
    ASSERT_EQ(thread->messages.size(), 10u);
    for (std::size_t k = 0; k < thread->messages.size(); ++k)
      EXPECT_EQ(thread->messages[k].body, "text " + std::to_string(b + businesses * k)) << ids[b];
  }
  mc->close();
}

}  // namespace
}  // namespace msgcenter::testing
