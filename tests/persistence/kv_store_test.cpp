// Named databases: sorted batches, atomic multi-database batches, prefix scans in both
// directions, and message history paging newest first.
#include "msgcenter/persistence/kv_store.hpp"

#include <algorithm>
#include <limits>
#include <random>

#include "msgcenter/persistence/codec.hpp"
#include "msgcenter/persistence/message_history.hpp"
#include "msgcenter/persistence/schema.hpp"
#include "persistence/test_support.hpp"

namespace msgcenter::persistence {
namespace {

using testing::store_test;

class KvStoreTest : public store_test {};

std::vector<std::string> keys_of(const std::vector<owned_entry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.key);
  return out;
}

std::vector<message_id> ids_of(const std::vector<message>& ms) {
  std::vector<message_id> out;
  for (const auto& m : ms) out.push_back(m.id);
  return out;
}

TEST(Schema, KeysSortLikeTheirNumbers) {
  EXPECT_EQ(encode_u64_be(0x0102030405060708ull), std::string("\1\2\3\4\5\6\7\x08", 8));
  EXPECT_EQ(*decode_u64_be(encode_u64_be(0xFEDCBA9876543210ull)), 0xFEDCBA9876543210ull);
  EXPECT_FALSE(decode_u64_be("short"));
  EXPECT_LT(journal_key(255), journal_key(256));
  EXPECT_LT(message_record_key(1, 999), message_record_key(2, 0));
  EXPECT_LT(message_record_key(7, 9), message_record_key(7, 10));
  EXPECT_EQ(message_record_key(7, 9).substr(0, 8), conversation_prefix(7));
  EXPECT_EQ(*prefix_successor("ab"), "ac");
  EXPECT_EQ(*prefix_successor(std::string("a\xff", 2)), "b");
  EXPECT_FALSE(prefix_successor(std::string("\xff\xff", 2)));
  EXPECT_FALSE(prefix_successor(""));
}

TEST_F(KvStoreTest, PutBatch_StoresAllAndLaterDuplicatesWin) {
  env e = open();
  auto s = kv_store::open(e, db_names::contacts);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->put_batch({{"c", "3"}, {"a", "1"}, {"b", "old"}, {"b", "new"}}));
  EXPECT_EQ(*s->get("a"), "1");
  EXPECT_EQ(*s->get("b"), "new");
  EXPECT_EQ(*s->size(), 3u);
  ASSERT_TRUE(s->del("a"));
  ASSERT_TRUE(s->del("a"));  // absent is fine
  EXPECT_EQ(s->get("a").error().code, errc::not_found);
  ASSERT_TRUE(s->put("z", "26"));
  EXPECT_EQ(*s->get("z"), "26");
  auto bad = s->put_batch({{"", "empty key"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_argument);
}

TEST_F(KvStoreTest, WriteBatch_CommitsSeveralDatabasesAtomically) {
  env e = open();
  auto contacts = kv_store::open(e, db_names::contacts);
  auto meta = kv_store::open(e, db_names::meta);
  ASSERT_TRUE(contacts);
  ASSERT_TRUE(meta);
  ASSERT_TRUE(contacts->put("gone", "x"));

  write_batch b;
  b.put(*contacts, "k2", "v2");
  b.put(*meta, "snapshot_seq", encode_u64_be(42));
  b.put(*contacts, "k1", "v1");
  b.del(*contacts, "gone");
  b.del(*contacts, "never-there");
  b.put(*contacts, "k1", "v1-final");
  EXPECT_EQ(b.size(), 6u);
  ASSERT_TRUE(commit_batch(e, b));
  EXPECT_EQ(*contacts->get("k1"), "v1-final");
  EXPECT_EQ(*contacts->get("k2"), "v2");
  EXPECT_FALSE(contacts->get("gone"));
  EXPECT_EQ(*decode_u64_be(*meta->get("snapshot_seq")), 42u);

  // A failing batch leaves nothing behind.
  write_batch bad;
  bad.put(*meta, "snapshot_seq", encode_u64_be(43));
  bad.put(*contacts, std::string(e.max_key_size() + 1, 'k'), "too long");
  ASSERT_FALSE(commit_batch(e, bad));
  EXPECT_EQ(*decode_u64_be(*meta->get("snapshot_seq")), 42u);
}

TEST_F(KvStoreTest, WriteBatch_LargerThanTheMapGrowsIt) {
  env_options o;
  o.map_size = 64 << 10;
  env e = open(o);
  auto s = kv_store::open(e, db_names::inboxes);
  ASSERT_TRUE(s);
  write_batch b;
  for (int i = 0; i < 2000; ++i) b.put(*s, encode_u64_be(i), std::string(500, 'i'));
  ASSERT_TRUE(commit_batch(e, b));
  EXPECT_EQ(*s->size(), 2000u);
  EXPECT_GT(e.map_grows(), 0u);
}

TEST_F(KvStoreTest, Scan_PrefixBoundsAndDirections) {
  env e = open();
  auto s = kv_store::open(e, "scan");
  ASSERT_TRUE(s);
  ASSERT_TRUE(
      s->put_batch({{"a1", ""}, {"a2", ""}, {"a3", ""}, {"b1", ""}, {"b2", ""}, {"c1", ""}}));
  auto scan = [&](scan_options o) { return keys_of(*s->scan(o)); };
  using v = std::vector<std::string>;

  scan_options all;
  EXPECT_EQ(scan(all), (v{"a1", "a2", "a3", "b1", "b2", "c1"}));
  all.reverse = true;
  EXPECT_EQ(scan(all), (v{"c1", "b2", "b1", "a3", "a2", "a1"}));

  scan_options b;
  b.prefix = "b";
  EXPECT_EQ(scan(b), (v{"b1", "b2"}));
  b.reverse = true;
  EXPECT_EQ(scan(b), (v{"b2", "b1"}));

  scan_options a_after;
  a_after.prefix = "a";
  a_after.bound = "a1";
  EXPECT_EQ(scan(a_after), (v{"a2", "a3"}));
  a_after.inclusive = true;
  EXPECT_EQ(scan(a_after), (v{"a1", "a2", "a3"}));

  scan_options a_before;
  a_before.prefix = "a";
  a_before.reverse = true;
  a_before.bound = "a3";
  EXPECT_EQ(scan(a_before), (v{"a2", "a1"}));
  a_before.inclusive = true;
  a_before.limit = 2;
  EXPECT_EQ(scan(a_before), (v{"a3", "a2"}));
  a_before.bound = "zzz";  // bound past the prefix range
  a_before.limit = 10;
  EXPECT_EQ(scan(a_before), (v{"a3", "a2", "a1"}));
  a_before.bound = "a";  // bound before every key of the prefix
  a_before.inclusive = false;
  EXPECT_EQ(scan(a_before), v{});

  scan_options c_rev;  // last prefix in the database: reverse start falls off the end
  c_rev.prefix = "c";
  c_rev.reverse = true;
  EXPECT_EQ(scan(c_rev), (v{"c1"}));
  scan_options none;
  none.prefix = "d";
  EXPECT_EQ(scan(none), v{});
  none.reverse = true;
  EXPECT_EQ(scan(none), v{});
  scan_options zero;
  zero.limit = 0;
  EXPECT_EQ(scan(zero), v{});

  // visit() stops when the callback says so.
  int seen = 0;
  ASSERT_TRUE(
      s->visit(scan_options{}, [&](std::string_view, std::string_view) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

class MessageHistoryTest : public store_test {
 protected:
  static message make(conversation_id c, message_id id) {
    message m;
    m.conversation = c;
    m.id = id;
    m.body = "c" + std::to_string(c) + "m" + std::to_string(id);
    m.at = static_cast<millis>(id) * 1000;
    return m;
  }
};

TEST_F(MessageHistoryTest, PageBefore_ReturnsNewestFirstWithinOneConversation) {
  env e = open();
  auto h = message_history::open(e);
  ASSERT_TRUE(h);
  constexpr conversation_id last_conv = std::numeric_limits<conversation_id>::max();
  std::vector<message> all;
  for (conversation_id c :
       {conversation_id{1}, conversation_id{2}, conversation_id{3}, last_conv}) {
    for (message_id id = 1; id <= 20; ++id) all.push_back(make(c, id));
  }
  std::shuffle(all.begin(), all.end(), std::mt19937(7));
  ASSERT_TRUE(h->put(all));

  using ids = std::vector<message_id>;
  auto first_page = h->page_before(2, std::nullopt, 5);
  ASSERT_TRUE(first_page);
  EXPECT_EQ(ids_of(*first_page), (ids{20, 19, 18, 17, 16}));
  EXPECT_EQ(first_page->front().body, "c2m20");
  EXPECT_EQ(first_page->front().conversation, 2u);

  auto second_page = h->page_before(2, first_page->back().id, 5);
  ASSERT_TRUE(second_page);
  EXPECT_EQ(ids_of(*second_page), (ids{15, 14, 13, 12, 11}));

  EXPECT_EQ(ids_of(*h->page_before(2, 3, 5)), (ids{2, 1}));  // never crosses into c1
  EXPECT_EQ(ids_of(*h->page_before(2, 1, 5)), ids{});
  EXPECT_EQ(ids_of(*h->page_before(2, 1000, 2)), (ids{20, 19}));              // bound past the end
  EXPECT_EQ(ids_of(*h->page_before(3, std::nullopt, 3)), (ids{20, 19, 18}));  // never c-max
  EXPECT_EQ(ids_of(*h->page_before(last_conv, std::nullopt, 3)), (ids{20, 19, 18}));
  EXPECT_EQ(ids_of(*h->page_before(last_conv, 2, 3)), (ids{1}));
  EXPECT_EQ(ids_of(*h->page_before(99, std::nullopt, 3)), ids{});
  EXPECT_EQ(ids_of(*h->page_before(0, std::nullopt, 3)), ids{});

  EXPECT_EQ(ids_of(*h->page_after(2, 17, 5)), (ids{18, 19, 20}));
  EXPECT_EQ(ids_of(*h->page_after(1, std::nullopt, 3)), (ids{1, 2, 3}));

  auto one = h->get(3, 7);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->body, "c3m7");
  EXPECT_EQ(h->get(3, 77).error().code, errc::not_found);
}

TEST_F(MessageHistoryTest, CorruptRecord_IsReportedNotSkipped) {
  env e = open();
  auto h = message_history::open(e);
  ASSERT_TRUE(h);
  ASSERT_TRUE(h->put({make(5, 1), make(5, 2), make(5, 3)}));
  ASSERT_TRUE(h->store().put(message_record_key(5, 2), "\x93garbage"));
  auto page = h->page_before(5, std::nullopt, 10);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, errc::invalid_argument);
  EXPECT_NE(page.error().message.find("c5/m2"), std::string::npos) << page.error().message;
  EXPECT_EQ(h->get(5, 2).error().code, errc::invalid_argument);
}

TEST_F(MessageHistoryTest, Stage_WritesMessagesWithOtherStateInOneBatch) {
  env e = open();
  auto h = message_history::open(e);
  auto meta = kv_store::open(e, db_names::meta);
  ASSERT_TRUE(h);
  ASSERT_TRUE(meta);
  write_batch b;
  h->stage(b, make(9, 1));
  h->stage(b, make(9, 2));
  b.put(*meta, "last", "9/2");
  ASSERT_TRUE(commit_batch(e, b));
  EXPECT_EQ(ids_of(*h->page_before(9, std::nullopt, 10)), (std::vector<message_id>{2, 1}));
  EXPECT_EQ(*meta->get("last"), "9/2");
}

}  // namespace
}  // namespace msgcenter::persistence
