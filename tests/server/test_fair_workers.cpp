// The worker pool shared between businesses (security review M9): one business's slow
// requests never take every worker from the others.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include "msgcenter/server/fair_worker_queue.hpp"

namespace msgcenter::server {
namespace {

using namespace std::chrono_literals;

struct pool_queue {
  boost::asio::thread_pool pool;
  fair_worker_queue queue;
  pool_queue(std::size_t threads, std::size_t per_key)
      : pool(threads),
        queue([this](fair_worker_queue::job j) { boost::asio::post(pool, std::move(j)); },
              per_key) {}
  ~pool_queue() { pool.join(); }
};

TEST(ServerFairWorkers, SlowJobsOfOneBusiness_LeaveWorkersForAnother) {
  pool_queue q(4, 2);
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  std::mutex m;
  std::vector<int> started;
  for (int i = 0; i < 6; ++i)
    q.queue.submit("A", [&, i, open] {
      {
        std::lock_guard<std::mutex> g(m);
        started.push_back(i);
      }
      open.wait();  // an export that takes long
    });
  std::promise<void> b_done;
  q.queue.submit("B", [&] { b_done.set_value(); });
  // Four workers, six blocked jobs of A: B still gets a worker.
  ASSERT_EQ(b_done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(q.queue.running("A"), 2u);
  EXPECT_EQ(q.queue.waiting(), 4u);
  {
    // Only the first two of A's line started; the others wait without a worker.
    std::lock_guard<std::mutex> g(m);
    auto first = started;
    std::sort(first.begin(), first.end());
    EXPECT_EQ(first, (std::vector<int>{0, 1}));
  }
  gate.set_value();
  q.pool.join();
  EXPECT_EQ(q.queue.running("A"), 0u);
  EXPECT_EQ(q.queue.waiting(), 0u);
  std::sort(started.begin(), started.end());
  EXPECT_EQ(started, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(ServerFairWorkers, JobsBelowTheShare_RunAtOnce) {
  pool_queue q(4, 4);
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  std::atomic<int> running{0};
  std::promise<void> all_in;
  for (int i = 0; i < 3; ++i)
    q.queue.submit("A", [&, open] {
      if (++running == 3) all_in.set_value();
      open.wait();
    });
  // Three jobs of one business under a share of four run together, none waits.
  ASSERT_EQ(all_in.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(q.queue.waiting(), 0u);
  gate.set_value();
}

}  // namespace
}  // namespace msgcenter::server
