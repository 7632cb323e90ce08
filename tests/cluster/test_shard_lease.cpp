// Shard ownership and fencing against a real etcd.
#include <gtest/gtest.h>

#include <thread>

#include "cluster/etcd_fixture.hpp"
#include "msgcenter/cluster/shard_lease.hpp"

namespace msgcenter::cluster {
namespace {

using namespace std::chrono_literals;
using testing::EtcdTest;
using testing::eventually;
using testing::node;

TEST_F(EtcdTest, ShardLease_TwoClaimantsRaceExactlyOneWins) {
  auto ca = client(), cb = client();
  membership a(ca, node("a")), b(cb, node("b"));
  ASSERT_TRUE(a.join().ok());
  ASSERT_TRUE(b.join().ok());
  shard_lease la(ca, a), lb(cb, b);
  for (std::uint32_t shard = 0; shard < 8; ++shard) {
    std::optional<result<revision>> ra, rb;
    std::thread ta([&] { ra.emplace(la.claim(shard)); });
    std::thread tb([&] { rb.emplace(lb.claim(shard)); });
    ta.join();
    tb.join();
    ASSERT_NE(ra->ok(), rb->ok()) << "shard " << shard;
    const auto& loser = ra->ok() ? *rb : *ra;
    EXPECT_EQ(loser.error().code, errc::conflict);
    EXPECT_NE(loser.error().message.find("is owned by node"), std::string::npos);
    const revision epoch = ra->ok() ? ra->value() : rb->value();
    auto owner = la.owner(shard);
    ASSERT_TRUE(owner.ok() && owner->has_value());
    EXPECT_EQ((*owner)->node_id, ra->ok() ? "a" : "b");
    EXPECT_EQ((*owner)->epoch, epoch);
    // The winner claiming again keeps its epoch
    auto& winner = ra->ok() ? la : lb;
    EXPECT_EQ(winner.claim(shard).value(), epoch);
    EXPECT_EQ(winner.may_acknowledge(shard, epoch), fence_verdict::acknowledge);
  }
}

TEST_F(EtcdTest, ShardLease_FenceClosesBeforeTtlThenAnotherNodeTakesOverWithAHigherEpoch) {
  auto ca = client(500ms), cb = client(500ms);
  membership a(ca, node("a")), b(cb, node("b"));
  ASSERT_TRUE(a.join().ok());
  ASSERT_TRUE(b.join().ok());
  shard_lease la(ca, a), lb(cb, b);
  auto ea = la.claim(3);
  ASSERT_TRUE(ea.ok()) << ea.error().message;
  EXPECT_EQ(la.may_acknowledge(3, *ea), fence_verdict::acknowledge);

  // When a stops renewing (frozen, or cut off from etcd)
  a.stop_keepalive();
  const auto last = *a.lease_state().last_renewal_sent;
  const auto ttl = a.lease_state().ttl;
  // Then its fence closes before the lease can expire
  ASSERT_TRUE(
      eventually([&] { return la.may_acknowledge(3, *ea) != fence_verdict::acknowledge; }, 3000ms));
  const auto closed_at = fence_clock::now();
  EXPECT_LT(closed_at, last + ttl);
  EXPECT_EQ(la.may_acknowledge(3, *ea), fence_verdict::lease_stale);
  // and at that moment the shard is still a's in etcd: nobody else could have taken it yet
  auto early = lb.claim(3);
  if (fence_clock::now() < last + ttl) {
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, errc::conflict);
  }

  // Once etcd expires the lease, b claims the shard with a higher epoch
  std::optional<revision> eb;
  ASSERT_TRUE(eventually(
      [&] {
        auto r = lb.claim(3);
        if (r) eb = *r;
        return r.ok();
      },
      4000ms));
  EXPECT_GT(*eb, *ea);
  EXPECT_GE(fence_clock::now(), last + ttl);
  EXPECT_EQ(lb.may_acknowledge(3, *eb), fence_verdict::acknowledge);
  // a never acknowledges with its old epoch again, even when it renews (its lease is gone)
  a.start_keepalive();
  EXPECT_TRUE(eventually([&] { return a.lease_lost(); }, 2000ms));
  EXPECT_EQ(la.may_acknowledge(3, *ea), fence_verdict::lease_lost);
}

TEST_F(EtcdTest, ShardLease_AStaleEpochIsRefused) {
  auto c = client();
  membership a(c, node("a"));
  ASSERT_TRUE(a.join().ok());
  shard_lease la(c, a);
  auto first = la.claim(5);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(la.confirm(5, *first).ok());
  // Given the shard released and claimed again (a new epoch)
  ASSERT_TRUE(la.release(5).ok());
  EXPECT_EQ(la.may_acknowledge(5, *first), fence_verdict::not_owner);
  auto second = la.claim(5);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(*second, *first);
  // Then a write stamped with the first epoch is refused, locally and by etcd
  EXPECT_EQ(la.may_acknowledge(5, *first), fence_verdict::stale_epoch);
  EXPECT_EQ(la.may_acknowledge(5, *second), fence_verdict::acknowledge);
  auto stale = la.confirm(5, *first);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, errc::conflict);
  EXPECT_TRUE(la.confirm(5, *second).ok());
}

TEST_F(EtcdTest, ShardLease_NoClaimWithoutALiveLease) {
  auto c = client();
  membership a(c, node("a"));
  shard_lease la(c, a);
  auto r = la.claim(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::unavailable);
}

}  // namespace
}  // namespace msgcenter::cluster
