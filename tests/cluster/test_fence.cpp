// The fencing rule (fence.hpp) as a pure function: no etcd, no clock but the one passed in.
#include <gtest/gtest.h>

#include "msgcenter/cluster/fence.hpp"

namespace msgcenter::cluster {
namespace {

using namespace std::chrono_literals;

const fence_clock::time_point t0{};

lease_view renewed_at(fence_clock::time_point sent) { return lease_view{sent, 2000ms, false}; }

TEST(Fence, MayOwnerStillAcknowledge_FreshLeaseAndHeldEpoch) {
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 7, 7, t0 + 100ms, 500ms),
            fence_verdict::acknowledge);
}

TEST(Fence, MayOwnerStillAcknowledge_StopsAtTtlMinusMarginNotAtTtl) {
  // Given a renewal sent at t0 with TTL 2 s and margin 500 ms
  // Then 1499 ms later it still acknowledges, and from 1500 ms on (before etcd could expire
  // the lease at 2 s) it no longer does.
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 7, 7, t0 + 1499ms, 500ms),
            fence_verdict::acknowledge);
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 7, 7, t0 + 1500ms, 500ms),
            fence_verdict::lease_stale);
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 7, 7, t0 + 1999ms, 500ms),
            fence_verdict::lease_stale);
}

TEST(Fence, MayOwnerStillAcknowledge_RefusesAStaleEpoch) {
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 9, 7, t0, 500ms),
            fence_verdict::stale_epoch);
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 9, 10, t0, 500ms),
            fence_verdict::stale_epoch);
}

TEST(Fence, MayOwnerStillAcknowledge_RefusesWithoutLeaseOrOwnership) {
  EXPECT_EQ(may_owner_still_acknowledge(lease_view{}, 7, 7, t0, 500ms), fence_verdict::no_lease);
  lease_view lost = renewed_at(t0);
  lost.lost = true;
  EXPECT_EQ(may_owner_still_acknowledge(lost, 7, 7, t0, 500ms), fence_verdict::lease_lost);
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 0, 0, t0, 500ms), fence_verdict::not_owner);
}

TEST(Fence, MayOwnerStillAcknowledge_MarginAtLeastTtlNeverAcknowledges) {
  EXPECT_EQ(may_owner_still_acknowledge(renewed_at(t0), 7, 7, t0, 2000ms),
            fence_verdict::lease_stale);
}

}  // namespace
}  // namespace msgcenter::cluster
