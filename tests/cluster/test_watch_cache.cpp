// The watch-backed index cache against a real etcd.
#include <gtest/gtest.h>

#include "cluster/etcd_fixture.hpp"
#include "msgcenter/cluster/watch_cache.hpp"

namespace msgcenter::cluster {
namespace {

using namespace std::chrono_literals;
using testing::EtcdTest;
using testing::eventually;

TEST_F(EtcdTest, WatchCache_SeesPutsAndDeletes) {
  auto c = client();
  const std::string prefix = "/msgcenter/index/numbers/";
  ASSERT_TRUE(c.put(prefix + "+12025550100", "biz-1").ok());
  ASSERT_TRUE(c.put("/msgcenter/index/other", "x").ok());  // outside the prefix
  watch_cache cache(c, watch_cache_options{prefix});
  // The initial load
  ASSERT_TRUE(eventually([&] { return cache.current_revision() > 0; }, 3000ms));
  EXPECT_EQ(cache.find("+12025550100").value_or(""), "biz-1");
  EXPECT_EQ(cache.size(), 1u);
  // A put, then a delete, seen through the watch
  auto put = c.put(prefix + "+12025550101", "biz-2");
  ASSERT_TRUE(put.ok());
  ASSERT_TRUE(cache.wait_for(put->header_revision, 3000ms));
  EXPECT_EQ(cache.find("+12025550101").value_or(""), "biz-2");
  auto del = c.erase(prefix + "+12025550100");
  ASSERT_TRUE(del.ok());
  ASSERT_TRUE(cache.wait_for(del->header_revision, 3000ms));
  EXPECT_FALSE(cache.find("+12025550100").has_value());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.find("other").has_value());
}

TEST_F(EtcdTest, WatchCache_CatchesUpAfterEtcdWasFrozen) {
  auto c = client(300ms);
  const std::string prefix = "/idx/";
  watch_cache cache(c, watch_cache_options{prefix});
  ASSERT_TRUE(eventually([&] { return cache.current_revision() > 0; }, 3000ms));
  freeze();
  std::this_thread::sleep_for(400ms);
  thaw();
  auto put = c.put(prefix + "k", "v");
  ASSERT_TRUE(put.ok());
  ASSERT_TRUE(cache.wait_for(put->header_revision, 3000ms));
  EXPECT_EQ(cache.find("k").value_or(""), "v");
}

}  // namespace
}  // namespace msgcenter::cluster
