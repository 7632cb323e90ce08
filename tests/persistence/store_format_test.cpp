// The store records its format version: a fresh directory is stamped with this build's, and
// a store of any other version (older, newer, or format 1, which recorded none) is refused
// at open with a message naming both versions, never misread.
#include <gtest/gtest.h>

#include "msgcenter/persistence/kv_store.hpp"
#include "msgcenter/persistence/schema.hpp"
#include "msgcenter/persistence/store.hpp"
#include "persistence/test_support.hpp"

namespace msgcenter::persistence {
namespace {

using testing::temp_dir;

/// Writes `value` under `key` of database `db` in `dir` with the raw kv_store API, as a
/// build of another format would have left it.
void put_raw(const std::string& dir, std::string_view db, std::string_view key,
             std::string_view value) {
  auto e = env::open(dir);
  ASSERT_TRUE(e) << e.error().message;
  auto s = kv_store::open(*e, db);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->put(key, value));
}

std::optional<std::string> read_raw(const std::string& dir, std::string_view db,
                                    std::string_view key) {
  auto e = env::open(dir);
  if (!e) return std::nullopt;
  auto s = kv_store::open(*e, db);
  if (!s) return std::nullopt;
  auto v = s->get(key);
  if (!v) return std::nullopt;
  return *v;
}

void expect_refused(const std::string& dir, std::uint64_t found) {
  auto s = store::open(dir);
  ASSERT_FALSE(s) << "a store of format " << found << " was opened";
  EXPECT_EQ(s.error().code, errc::invalid_argument);
  const std::string& m = s.error().message;
  EXPECT_NE(m.find("store format version " + std::to_string(found) + " in " + dir),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("this build reads version " + std::to_string(store_format_version)),
            std::string::npos)
      << m;
}

TEST(StoreFormat, FreshDirectory_IsStampedWithThisBuildsVersion) {
  temp_dir dir;
  {
    auto s = store::open(dir.str());
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s.value()->close());
  }
  EXPECT_EQ(read_raw(dir.str(), db_names::meta, meta_keys::format_version),
            encode_u64_be(store_format_version));
  auto again = store::open(dir.str());
  ASSERT_TRUE(again) << "a store of this version opens: " << again.error().message;
  EXPECT_TRUE(again.value()->recover());
}

TEST(StoreFormat, OlderOrNewerVersion_IsRefusedNamingBoth) {
  for (std::uint64_t other :
       {std::uint64_t{1}, store_format_version + 1, std::uint64_t{0}, std::uint64_t{1} << 40}) {
    temp_dir dir;
    put_raw(dir.str(), db_names::meta, meta_keys::format_version, encode_u64_be(other));
    expect_refused(dir.str(), other);
    EXPECT_EQ(read_raw(dir.str(), db_names::meta, meta_keys::format_version), encode_u64_be(other))
        << "a refused store is left as it was (not stamped over)";
  }
}

TEST(StoreFormat, AFormatOneStoreWithoutAVersion_IsRefusedAsVersionOne) {
  // Format 1 recorded no version: any data and no stamp is a format-1 store, whether it
  // has a snapshot or only a journal.
  temp_dir with_snapshot;
  put_raw(with_snapshot.str(), db_names::meta, meta_keys::snapshot_seq, encode_u64_be(3));
  expect_refused(with_snapshot.str(), 1);
  temp_dir with_journal;
  put_raw(with_journal.str(), db_names::journal, journal_key(1), "a format-1 frame");
  expect_refused(with_journal.str(), 1);
  temp_dir with_messages;
  put_raw(with_messages.str(), db_names::messages, message_record_key(1, 1), "\x9e");
  expect_refused(with_messages.str(), 1);
  EXPECT_FALSE(read_raw(with_messages.str(), db_names::meta, meta_keys::format_version))
      << "not stamped";
}

TEST(StoreFormat, AnUnreadableVersion_IsRefused) {
  temp_dir dir;
  put_raw(dir.str(), db_names::meta, meta_keys::format_version, "2");
  auto s = store::open(dir.str());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, errc::invalid_argument);
  EXPECT_NE(s.error().message.find("unreadable"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace msgcenter::persistence
