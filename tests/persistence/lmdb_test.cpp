// The RAII wrapper over LMDB: env, txn, dbi, cursor, and the map growth gate.
#include "msgcenter/persistence/lmdb.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "persistence/test_support.hpp"

namespace msgcenter::persistence {
namespace {

using testing::store_test;

class LmdbTest : public store_test {};

TEST_F(LmdbTest, ErrorMapping_NotFoundIsNotFoundEverythingElseUnavailable) {
  EXPECT_EQ(map_lmdb_error(MDB_NOTFOUND), errc::not_found);
  EXPECT_EQ(map_lmdb_error(MDB_MAP_FULL), errc::unavailable);
  EXPECT_EQ(map_lmdb_error(MDB_CORRUPTED), errc::unavailable);
  EXPECT_EQ(map_lmdb_error(EIO), errc::unavailable);
  const error e = lmdb_error(MDB_MAP_FULL, "mdb_put");
  EXPECT_EQ(e.code, errc::unavailable);
  EXPECT_NE(e.message.find("mdb_put: MDB_MAP_FULL"), std::string::npos) << e.message;
}

// The store holds secrets (a business's Twilio auth token): its files are the owner's only,
// whatever the umask (security review L2).
TEST_F(LmdbTest, NewStoreFiles_AreReadableByTheOwnerOnly) {
  const mode_t old_umask = ::umask(0);
  env e = open();
  ::umask(old_umask);
  ASSERT_TRUE(e.is_open());
  for (auto name : {"data.mdb", "lock.mdb"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir.str() + "/db/" + name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0077, 0u) << name << " mode " << std::oct << (st.st_mode & 0777);
  }
}

TEST_F(LmdbTest, CommittedPut_IsVisibleToLaterReaders) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db) << db.error().message;
  {
    auto t = e.begin_write();
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->put(*db, "k1", "v1"));
    ASSERT_TRUE(t->put(*db, "k2", std::string_view("v\0two", 5)));
    // A write txn sees its own writes.
    auto own = t->get(*db, "k1");
    ASSERT_TRUE(own);
    EXPECT_EQ(*own, "v1");
    ASSERT_TRUE(t->commit());
    EXPECT_FALSE(t->active());
  }
  auto r = e.begin_read();
  ASSERT_TRUE(r);
  auto v2 = r->get_copy(*db, "k2");
  ASSERT_TRUE(v2);
  EXPECT_EQ(*v2, std::string("v\0two", 5));
  auto missing = r->get(*db, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
  auto n = r->entries(*db);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
}

TEST_F(LmdbTest, UncommittedTxn_IsAbortedByDestructor) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  {
    auto t = e.begin_write();
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->put(*db, "k", "v"));
  }  // no commit
  auto r = e.begin_read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get(*db, "k").error().code, errc::not_found);
}

TEST_F(LmdbTest, Del_RemovesAndReportsMissingKeys) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  ASSERT_TRUE(e.write([&](txn& t) { return t.put(*db, "k", "v"); }));
  ASSERT_TRUE(e.write([&](txn& t) -> status {
    auto st = t.del(*db, "k");
    if (!st) return st;
    auto again = t.del(*db, "k");
    EXPECT_EQ(again.error().code, errc::not_found);
    // A missing key does not poison the transaction.
    return t.put(*db, "other", "x");
  }));
  auto r = e.begin_read();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->get(*db, "k"));
  EXPECT_TRUE(r->get(*db, "other"));
}

TEST_F(LmdbTest, BadKeys_AreInvalidArgument) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  auto t = e.begin_write();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->put(*db, "", "v").error().code, errc::invalid_argument);
  EXPECT_EQ(t->put(*db, std::string(e.max_key_size() + 1, 'k'), "v").error().code,
            errc::invalid_argument);
  EXPECT_TRUE(t->put(*db, std::string(e.max_key_size(), 'k'), "v"));
}

TEST_F(LmdbTest, Cursor_WalksKeysInOrderBothWays) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  ASSERT_TRUE(e.write([&](txn& t) -> status {
    for (const char* k : {"b", "d", "a", "c"}) {
      auto st = t.put(*db, k, std::string("v") + k);
      if (!st) return st;
    }
    return unit{};
  }));
  auto t = e.begin_read();
  ASSERT_TRUE(t);
  auto c = t->open_cursor(*db);
  ASSERT_TRUE(c);
  std::string forward;
  for (auto r = c->first(); r; r = c->next()) forward += r->key;
  EXPECT_EQ(forward, "abcd");
  std::string backward;
  for (auto r = c->last(); r; r = c->prev()) backward += r->key;
  EXPECT_EQ(backward, "dcba");

  auto s = c->seek("bb");  // first key >= "bb"
  ASSERT_TRUE(s);
  EXPECT_EQ(s->key, "c");
  EXPECT_EQ(s->value, "vc");
  EXPECT_EQ(c->seek("e").error().code, errc::not_found);
  EXPECT_EQ(c->seek_exact("bb").error().code, errc::not_found);
  auto exact = c->seek_exact("b");
  ASSERT_TRUE(exact);
  EXPECT_EQ(copy(*exact), (owned_entry{"b", "vb"}));
  auto cur = c->current();
  ASSERT_TRUE(cur);
  EXPECT_EQ(cur->key, "b");
}

TEST_F(LmdbTest, CursorOnEmptyDatabase_ReportsNotFound) {
  env e = open();
  auto db = e.open_dbi("empty");
  ASSERT_TRUE(db);
  auto t = e.begin_read();
  ASSERT_TRUE(t);
  auto c = t->open_cursor(*db);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first().error().code, errc::not_found);
  EXPECT_EQ(c->last().error().code, errc::not_found);
  EXPECT_EQ(c->seek("x").error().code, errc::not_found);
}

TEST_F(LmdbTest, CursorOutlivingItsTxn_IsClosedSafely) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  cursor kept;
  {
    auto t = e.begin_write();
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->put(*db, "a", "1"));
    auto c = t->open_cursor(*db);
    ASSERT_TRUE(c);
    auto c2 = t->open_cursor(*db);
    ASSERT_TRUE(c2);
    kept = std::move(*c);  // moved cursors stay registered with the txn
    ASSERT_TRUE(kept.first());
    ASSERT_TRUE(t->commit());  // closes both cursors
    EXPECT_FALSE(c2->valid());
  }
  EXPECT_FALSE(kept.valid());
  EXPECT_EQ(kept.next().error().code, errc::unavailable);
}

TEST_F(LmdbTest, ReadTxnWithCursors_CanEndInAnyOrder) {
  env e = open();
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  ASSERT_TRUE(e.write([&](txn& t) { return t.put(*db, "a", "1"); }));
  auto t = e.begin_read();
  ASSERT_TRUE(t);
  std::vector<cursor> cursors;
  for (int i = 0; i < 5; ++i) {
    auto c = t->open_cursor(*db);
    ASSERT_TRUE(c);
    cursors.push_back(std::move(*c));
  }
  cursors.erase(cursors.begin() + 2);  // close one in the middle
  for (auto& c : cursors) EXPECT_TRUE(c.first());
  t->abort();
  for (auto& c : cursors) EXPECT_FALSE(c.valid());
}

TEST_F(LmdbTest, OpenDbi_IsCachedAndChecksFlags) {
  env e = open();
  auto a = e.open_dbi("things");
  auto b = e.open_dbi("things");
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->native(), b->native());
  auto other_flags = e.open_dbi("things", MDB_CREATE | MDB_DUPSORT);
  ASSERT_FALSE(other_flags);
  EXPECT_EQ(other_flags.error().code, errc::invalid_argument);
  auto missing = e.open_dbi("never-created", 0);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
}

TEST_F(LmdbTest, Open_ClearsStaleReadersAndReportsBadPaths) {
  env e = open();
  auto cleared = e.reader_check();
  ASSERT_TRUE(cleared);
  EXPECT_EQ(*cleared, 0);
  e = env{};
  auto bad = env::open("/proc/definitely/not/here");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::unavailable);
  EXPECT_EQ(env::open("").error().code, errc::invalid_argument);
}

TEST_F(LmdbTest, GrowMap_DoublesUntilTheLimit) {
  env_options o;
  o.map_size = 1 << 20;
  o.max_map_size = 3 << 20;
  env e = open(o);
  EXPECT_EQ(e.map_size(), std::size_t{1} << 20);
  ASSERT_TRUE(e.grow_map());
  EXPECT_EQ(e.map_size(), std::size_t{2} << 20);
  ASSERT_TRUE(e.grow_map());
  EXPECT_EQ(e.map_size(), std::size_t{3} << 20);  // capped
  auto at_limit = e.grow_map();
  ASSERT_FALSE(at_limit);
  EXPECT_EQ(at_limit.error().code, errc::unavailable);
  EXPECT_EQ(e.map_grows(), 2u);
}

TEST_F(LmdbTest, GrowMap_WaitsForLiveTxnsAndTimesOut) {
  env_options o;
  o.grow_wait = std::chrono::milliseconds(100);
  env e = open(o);
  auto reader = e.begin_read();
  ASSERT_TRUE(reader);
  // Held for longer than grow_wait: growth gives up instead of remapping under the reader.
  auto timed_out = e.grow_map();
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().code, errc::unavailable);

  // Released soon after: growth waits for it and succeeds.
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reader->abort();
  });
  const auto before = e.map_size();
  EXPECT_TRUE(e.grow_map());
  releaser.join();
  EXPECT_EQ(e.map_size(), before * 2);
}

TEST_F(LmdbTest, Write_GrowsTheMapOnMapFullAndRetries) {
  env_options o;
  o.map_size = 64 << 10;
  env e = open(o);
  auto db = e.open_dbi("big");
  ASSERT_TRUE(db);
  int runs = 0;
  const std::string value(1000, 'x');
  auto st = e.write([&](txn& t) -> status {
    ++runs;
    for (int i = 0; i < 500; ++i) {  // ~500 KB, far over 64 KiB
      char key[16];
      std::snprintf(key, sizeof key, "%08d", i);
      auto p = t.put(*db, key, value);
      if (!p) return p;
    }
    return unit{};
  });
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_GT(runs, 1);
  EXPECT_GT(e.map_grows(), 0u);
  auto r = e.begin_read();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->entries(*db), 500u);
}

TEST_F(LmdbTest, ReopenedEnv_KeepsDataAndGrownMapSize) {
  env_options o;
  o.map_size = 1 << 20;
  {
    env e = open(o);
    ASSERT_TRUE(e.grow_map());
    auto db = e.open_dbi("things");
    ASSERT_TRUE(db);
    ASSERT_TRUE(e.write([&](txn& t) { return t.put(*db, "k", "v"); }));
  }
  env e = open(o);
  EXPECT_EQ(e.map_size(), std::size_t{2} << 20);
  auto db = e.open_dbi("things");
  ASSERT_TRUE(db);
  auto r = e.begin_read();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->get_copy(*db, "k"), "v");
}

TEST_F(LmdbTest, EnvAfterFork_RefusesTransactions) {
  env e = open();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto t = e.begin_read();
    const bool refused = !t && t.error().code == errc::unavailable;
    ::_exit(refused ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  EXPECT_TRUE(e.begin_read());  // the parent is unaffected
}

}  // namespace
}  // namespace msgcenter::persistence
