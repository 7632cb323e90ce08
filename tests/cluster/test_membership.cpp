// Membership against a real etcd: registration, listing, lease expiry, noticing a lost lease.
#include <gtest/gtest.h>

#include <atomic>

#include "cluster/etcd_fixture.hpp"
#include "msgcenter/cluster/membership.hpp"

namespace msgcenter::cluster {
namespace {

using namespace std::chrono_literals;
using testing::EtcdTest;
using testing::eventually;
using testing::node;

std::vector<std::string> ids(const etcd_client& c, const membership& m) {
  std::vector<std::string> out;
  auto list = m.members();
  if (list)
    for (auto& x : *list) out.push_back(x.id);
  return out;
}

TEST_F(EtcdTest, Membership_LeaseExpiryRemovesAMember) {
  auto c = client(500ms);
  std::atomic<bool> b_noticed{false};
  membership a(c, node("a"));
  auto ob = node("b");
  ob.on_lease_lost = [&] { b_noticed = true; };
  membership b(c, ob);
  ASSERT_TRUE(a.join().ok());
  ASSERT_TRUE(b.join().ok());
  auto listed = a.members();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].address, "127.0.0.1:b");
  EXPECT_EQ((*listed)[1].lease, b.lease());

  // Kept alive past its TTL, a stays listed
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(ids(c, a), (std::vector<std::string>{"a", "b"}));

  // When b stops renewing (a frozen process), etcd drops it within TTL plus its expiry tick
  b.stop_keepalive();
  EXPECT_TRUE(eventually([&] { return ids(c, a) == std::vector<std::string>{"a"}; }, 4000ms));
  EXPECT_FALSE(b_noticed.load());
  // and b finds out at its next renewal
  b.start_keepalive();
  EXPECT_TRUE(eventually([&] { return b.lease_lost(); }, 2000ms));
  EXPECT_TRUE(b_noticed.load());
  // A node that lost its lease may join again, with a new one
  const auto old = b.lease();
  ASSERT_TRUE(b.join().ok());
  EXPECT_NE(b.lease(), old);
  EXPECT_FALSE(b.lease_lost());
  EXPECT_EQ(ids(c, a), (std::vector<std::string>{"a", "b"}));
}

TEST_F(EtcdTest, Membership_LeaveRemovesAtOnce) {
  auto c = client();
  membership a(c, node("a"));
  ASSERT_TRUE(a.join().ok());
  EXPECT_FALSE(a.join().ok());  // twice is a mistake
  ASSERT_TRUE(a.leave().ok());
  EXPECT_TRUE(a.lease_lost());
  EXPECT_TRUE(a.members()->empty());
  membership bad(c, node("x/y"));
  EXPECT_EQ(bad.join().error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace msgcenter::cluster
