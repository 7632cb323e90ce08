// The durable journal: group commit, acknowledgement only after a synced commit, failure
// stops acknowledging, corruption is reported, map growth, trimming.
#include "msgcenter/persistence/journal.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "msgcenter/persistence/checksum.hpp"
#include "msgcenter/persistence/schema.hpp"
#include "persistence/test_support.hpp"

namespace msgcenter::persistence {
namespace {

using testing::store_test;

class JournalTest : public store_test {
 protected:
  std::unique_ptr<journal_writer> writer(env& e, journal_options o = {}) {
    auto w = journal_writer::open(e, std::move(o));
    if (!w) {
      ADD_FAILURE() << "journal_writer::open: " << w.error().message;
      return nullptr;
    }
    return std::move(*w);
  }

  // Every record from `from`, as (seq, payload); fails the test on a read error.
  static std::vector<std::pair<std::uint64_t, std::string>> read_all(env& e,
                                                                     std::uint64_t from = 1) {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    auto st = read_journal(e, from, [&](std::uint64_t seq, std::string_view p) -> status {
      out.emplace_back(seq, std::string(p));
      return unit{};
    });
    EXPECT_TRUE(st) << st.error().message;
    return out;
  }

  // Appends and waits for the outcome.
  static result<std::uint64_t> append_sync(journal_writer& w, std::string payload) {
    std::promise<result<std::uint64_t>> done;
    auto f = done.get_future();
    w.append(std::move(payload), [&](result<std::uint64_t> r) { done.set_value(std::move(r)); });
    return f.get();
  }
};

TEST(Checksum, Crc32cMatchesKnownVectors) {
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  // Incremental equals one-shot.
  EXPECT_EQ(crc32c("6789", crc32c("12345")), 0xE3069283u);
}

TEST(JournalFrame, RoundTripsAndRejectsDamage) {
  const std::string payload = "hello journal";
  const std::string frame = encode_frame(payload);
  ASSERT_EQ(frame.size(), payload.size() + frame_header_size);
  auto p = decode_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, payload);
  EXPECT_TRUE(decode_frame(encode_frame("")));
  EXPECT_EQ(decode_frame("abc").error().code, errc::invalid_argument);
  for (std::size_t i = 0; i < frame.size(); ++i) {
    std::string bad = frame;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(decode_frame(bad)) << "flip at byte " << i;
  }
}

TEST_F(JournalTest, AppendedRecords_ReadBackInOrderAfterReopen) {
  {
    env e = open();
    auto w = writer(e);
    ASSERT_TRUE(w);
    std::vector<std::uint64_t> seqs(100, 0);
    for (int i = 0; i < 100; ++i) {
      w->append("record-" + std::to_string(i), [&seqs, i](result<std::uint64_t> r) {
        ASSERT_TRUE(r);
        seqs[i] = *r;
      });
    }
    ASSERT_TRUE(w->flush());
    for (int i = 0; i < 100; ++i) EXPECT_EQ(seqs[i], static_cast<std::uint64_t>(i + 1));
    ASSERT_TRUE(w->close());
  }
  env e = open();
  auto records = read_all(e);
  ASSERT_EQ(records.size(), 100u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].first, i + 1);
    EXPECT_EQ(records[i].second, "record-" + std::to_string(i));
  }
  EXPECT_EQ(*last_sequence(e), 100u);
  EXPECT_EQ(*first_sequence(e), 1u);
  auto from_50 = read_all(e, 50);
  ASSERT_EQ(from_50.size(), 51u);
  EXPECT_EQ(from_50.front().first, 50u);

  // A reopened writer continues the sequence.
  auto w = writer(e);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->next_sequence(), 101u);
  auto seq = append_sync(*w, "after reopen");
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 101u);
}

TEST_F(JournalTest, ReadJournal_InSmallChunksSeesEveryRecordOnce) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  for (int i = 0; i < 50; ++i) w->append(std::to_string(i), nullptr);
  ASSERT_TRUE(w->flush());
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE(read_journal(
      e, 1,
      [&](std::uint64_t seq, std::string_view) -> status {
        seen.push_back(seq);
        return unit{};
      },
      7));
  ASSERT_EQ(seen.size(), 50u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  // The callback's error stops the read and is returned.
  int calls = 0;
  auto st = read_journal(e, 1, [&](std::uint64_t, std::string_view) -> status {
    return ++calls == 3 ? status(make_error(errc::not_found, "stop")) : status(unit{});
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "stop");
  EXPECT_EQ(calls, 3);
}

TEST_F(JournalTest, AppendBatch_GetsConsecutiveSequencesInOneCommit) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  ASSERT_TRUE(append_sync(*w, "single"));
  std::promise<result<std::uint64_t>> done;
  w->append_batch({"a", "b", "c", "d", "e"},
                  [&](result<std::uint64_t> r) { done.set_value(std::move(r)); });
  auto first = done.get_future().get();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 2u);
  auto next = append_sync(*w, "after");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 7u);
  auto records = read_all(e);
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(records[1].second, "a");
  EXPECT_EQ(records[5].second, "e");
  EXPECT_EQ(records[6].second, "after");

  std::promise<result<std::uint64_t>> empty;
  w->append_batch({}, [&](result<std::uint64_t> r) { empty.set_value(std::move(r)); });
  auto refused = empty.get_future().get();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
}

TEST_F(JournalTest, ConcurrentAppends_AreGroupedAndEachAcknowledgedOnce) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  constexpr int threads = 4;
  constexpr int per_thread = 2500;
  constexpr int total = threads * per_thread;
  std::vector<std::atomic<int>> calls(total);
  std::vector<std::uint64_t> seq_of(total, 0);
  std::vector<std::uint64_t> callback_order;  // callbacks run one at a time on the writer
  callback_order.reserve(total);
  std::atomic<int> errors{0};

  std::vector<std::thread> producers;
  for (int t = 0; t < threads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const int id = t * per_thread + i;
        w->append("t" + std::to_string(t) + "-" + std::to_string(i),
                  [&, id](result<std::uint64_t> r) {
                    calls[id].fetch_add(1);
                    if (!r) {
                      errors.fetch_add(1);
                      return;
                    }
                    seq_of[id] = *r;
                    callback_order.push_back(*r);
                  });
      }
    });
  }
  for (auto& p : producers) p.join();
  ASSERT_TRUE(w->flush());

  EXPECT_EQ(errors.load(), 0);
  for (int id = 0; id < total; ++id) ASSERT_EQ(calls[id].load(), 1) << "record " << id;
  ASSERT_EQ(callback_order.size(), static_cast<std::size_t>(total));
  for (std::size_t i = 0; i < callback_order.size(); ++i) {
    ASSERT_EQ(callback_order[i], i + 1) << "callbacks must fire in sequence order";
  }
  // Each producer's records got increasing sequences, in its own append order.
  for (int t = 0; t < threads; ++t) {
    for (int i = 1; i < per_thread; ++i) {
      ASSERT_LT(seq_of[t * per_thread + i - 1], seq_of[t * per_thread + i]);
    }
  }
  const journal_stats s = w->stats();
  EXPECT_EQ(s.records, static_cast<std::uint64_t>(total));
  EXPECT_LT(s.commits, s.records) << "appends must share commits";
  EXPECT_GT(s.max_group_size, 1u);
  EXPECT_EQ(s.last_sequence, static_cast<std::uint64_t>(total));
  std::uint64_t histogram_commits = 0;
  for (auto n : s.group_size_histogram) histogram_commits += n;
  EXPECT_EQ(histogram_commits, s.commits);
  EXPECT_FALSE(s.failed);

  // On disk: every record exactly once, payloads matching their sequences.
  auto records = read_all(e);
  ASSERT_EQ(records.size(), static_cast<std::size_t>(total));
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const auto seq = seq_of[t * per_thread + i];
      EXPECT_EQ(records[seq - 1].second, "t" + std::to_string(t) + "-" + std::to_string(i));
    }
  }
}

TEST_F(JournalTest, GroupCaps_LimitRecordsPerCommit) {
  env e = open();
  journal_options o;
  o.max_group_records = 16;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> commits{0};
  o.commit_hook = [&] {
    if (commits.fetch_add(1) == 0) released.wait();  // hold the first commit so a queue builds
    return 0;
  };
  auto w = writer(e, o);
  ASSERT_TRUE(w);
  for (int i = 0; i < 200; ++i) w->append("x", nullptr);
  release.set_value();
  ASSERT_TRUE(w->flush());
  const auto s = w->stats();
  EXPECT_EQ(s.records, 200u);
  EXPECT_LE(s.max_group_size, 16u);
  EXPECT_GE(s.commits, 200u / 16);
}

TEST_F(JournalTest, CorruptedRecord_ReadReportsItsSequenceAndStops) {
  env e = open();
  {
    auto w = writer(e);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 10; ++i) w->append("payload " + std::to_string(i), nullptr);
    ASSERT_TRUE(w->close());
  }
  // Flip one payload byte of record 5 behind the journal's back.
  auto db = e.open_dbi(db_names::journal);
  ASSERT_TRUE(db);
  ASSERT_TRUE(e.write([&](txn& t) -> status {
    auto v = t.get_copy(*db, journal_key(5));
    if (!v) return std::move(v).error();
    (*v)[frame_header_size + 2] ^= 0x20;
    return t.put(*db, journal_key(5), *v);
  }));

  std::vector<std::uint64_t> delivered;
  auto st = read_journal(e, 1, [&](std::uint64_t seq, std::string_view) -> status {
    delivered.push_back(seq);
    return unit{};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, errc::invalid_argument);
  EXPECT_NE(st.error().message.find("corrupt journal record at seq 5"), std::string::npos)
      << st.error().message;
  EXPECT_EQ(delivered, (std::vector<std::uint64_t>{1, 2, 3, 4}));  // never skipped past
  // Reading from after the damage works; from before it reports it again.
  EXPECT_TRUE(read_journal(e, 6, [](std::uint64_t, std::string_view) { return status(unit{}); }));
  EXPECT_FALSE(read_journal(e, 5, [](std::uint64_t, std::string_view) { return status(unit{}); }));
}

TEST_F(JournalTest, TruncatedFrame_IsCorruption) {
  env e = open();
  {
    auto w = writer(e);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 3; ++i) w->append("abcdef", nullptr);
    ASSERT_TRUE(w->close());
  }
  auto db = e.open_dbi(db_names::journal);
  ASSERT_TRUE(db);
  ASSERT_TRUE(e.write([&](txn& t) { return t.put(*db, journal_key(2), "ab"); }));
  auto st = read_journal(e, 1, [](std::uint64_t, std::string_view) { return status(unit{}); });
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("seq 2"), std::string::npos) << st.error().message;
}

TEST_F(JournalTest, MissingRecordInTheMiddle_IsReportedAsAGap) {
  env e = open();
  {
    auto w = writer(e);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 10; ++i) w->append("r", nullptr);
    ASSERT_TRUE(w->close());
  }
  auto db = e.open_dbi(db_names::journal);
  ASSERT_TRUE(db);
  ASSERT_TRUE(e.write([&](txn& t) { return t.del(*db, journal_key(6)); }));
  auto from_start =
      read_journal(e, 1, [](std::uint64_t, std::string_view) { return status(unit{}); });
  ASSERT_FALSE(from_start);
  EXPECT_NE(from_start.error().message.find("gap"), std::string::npos);
  // Starting right at the hole is caught too: an older record exists before it.
  auto from_hole =
      read_journal(e, 6, [](std::uint64_t, std::string_view) { return status(unit{}); });
  ASSERT_FALSE(from_hole);
  EXPECT_EQ(from_hole.error().code, errc::invalid_argument);
}

TEST_F(JournalTest, InjectedCommitFailure_NothingAcknowledgedAndWriterStaysFailed) {
  std::atomic<bool> fail{false};
  {
    env e = open();
    journal_options o;
    o.commit_hook = [&] { return fail.load() ? EIO : 0; };
    auto w = writer(e, o);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(append_sync(*w, "good " + std::to_string(i)));

    fail = true;
    std::mutex mu;
    std::vector<result<std::uint64_t>> outcomes;
    for (int i = 0; i < 20; ++i) {
      w->append("doomed " + std::to_string(i), [&](result<std::uint64_t> r) {
        std::lock_guard<std::mutex> lock(mu);
        outcomes.push_back(std::move(r));
      });
    }
    auto flushed = w->flush();
    ASSERT_FALSE(flushed);
    EXPECT_EQ(flushed.error().code, errc::unavailable);
    ASSERT_EQ(outcomes.size(), 20u);
    for (const auto& r : outcomes) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, errc::unavailable);
    }

    EXPECT_EQ(w->admission(), journal_admission::failed) << "callers refuse new work up front";
    // The disk is fine again, but the writer never retries as if nothing happened.
    fail = false;
    auto later = append_sync(*w, "after failure");
    ASSERT_FALSE(later);
    EXPECT_EQ(later.error().code, errc::unavailable);
    EXPECT_NE(later.error().message.find("Input/output error"), std::string::npos)
        << later.error().message;
    EXPECT_TRUE(w->stats().failed);
    EXPECT_TRUE(w->failure().has_value());
    EXPECT_EQ(w->stats().records, 5u);
    EXPECT_FALSE(w->close());
  }
  env e = open();
  auto records = read_all(e);
  ASSERT_EQ(records.size(), 5u);
  for (const auto& [seq, payload] : records) EXPECT_EQ(payload.rfind("good", 0), 0u) << payload;
  EXPECT_EQ(*last_sequence(e), 5u);
}

TEST_F(JournalTest, InjectedMapFull_GrowsAndRetriesTheSameGroup) {
  env e = open();
  std::atomic<int> commits{0};
  journal_options o;
  o.commit_hook = [&] { return commits.fetch_add(1) == 0 ? MDB_MAP_FULL : 0; };
  auto w = writer(e, o);
  ASSERT_TRUE(w);
  const auto before = e.map_size();
  auto seq = append_sync(*w, "survives map full");
  ASSERT_TRUE(seq) << seq.error().message;
  EXPECT_EQ(*seq, 1u);
  EXPECT_EQ(e.map_size(), before * 2);
  EXPECT_EQ(w->stats().map_grows, 1u);
  auto records = read_all(e);
  ASSERT_EQ(records.size(), 1u);  // written once, not twice
}

TEST_F(JournalTest, TinyMap_GrowsOnMapFullAndEverythingIsDurable) {
  env_options eo;
  eo.map_size = 64 << 10;
  {
    env e = open(eo);
    auto w = writer(e);
    ASSERT_TRUE(w);
    const std::string payload(300, 'p');
    std::atomic<int> ok{0};
    for (int i = 0; i < 3000; ++i) {  // ~1 MB of records into a 64 KiB map
      w->append(payload + std::to_string(i), [&](result<std::uint64_t> r) {
        if (r) ok.fetch_add(1);
      });
    }
    ASSERT_TRUE(w->flush()) << w->failure()->message;
    EXPECT_EQ(ok.load(), 3000);
    EXPECT_GT(w->stats().map_grows, 0u);
    EXPECT_GT(e.map_size(), std::size_t{64} << 10);
  }
  env e = open(eo);
  auto records = read_all(e);
  ASSERT_EQ(records.size(), 3000u);
  EXPECT_EQ(records.back().second, std::string(300, 'p') + "2999");
}

TEST_F(JournalTest, MapLimitReached_FailsTheGroupAndNothingIsOnDisk) {
  env_options eo;
  eo.map_size = 64 << 10;
  eo.max_map_size = 128 << 10;
  {
    env e = open(eo);
    auto w = writer(e);
    ASSERT_TRUE(w);
    ASSERT_TRUE(append_sync(*w, "small"));
    std::promise<result<std::uint64_t>> done;
    std::vector<std::string> big(100, std::string(4000, 'b'));  // 400 KB > 128 KiB
    w->append_batch(std::move(big), [&](result<std::uint64_t> r) { done.set_value(std::move(r)); });
    auto r = done.get_future().get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unavailable);
    EXPECT_FALSE(append_sync(*w, "later"));
  }
  env e = open(eo);
  auto records = read_all(e);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].second, "small");
}

TEST_F(JournalTest, FullQueue_AnswersOverloadedImmediately) {
  env e = open();
  journal_options o;
  o.max_queued_records = 10;
  std::promise<void> in_commit;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  o.commit_hook = [&] {
    if (first.exchange(false)) {
      in_commit.set_value();
      released.wait();
    }
    return 0;
  };
  auto w = writer(e, o);
  ASSERT_TRUE(w);
  std::atomic<int> ok{0};
  auto count_ok = [&](result<std::uint64_t> r) {
    if (r) ok.fetch_add(1);
  };
  w->append("held in commit", count_ok);
  in_commit.get_future().wait();  // the writer took it out of the queue
  EXPECT_EQ(w->admission(), journal_admission::open);
  for (int i = 0; i < 4; ++i) w->append("queued", count_ok);
  EXPECT_EQ(w->admission(), journal_admission::open) << "4 of 10 queued";
  w->append("queued", count_ok);
  // Half full: new work is turned away up front while what was admitted still fits.
  EXPECT_EQ(w->admission(), journal_admission::busy);
  for (int i = 0; i < 5; ++i) w->append("queued", count_ok);
  bool called = false;
  errc code{};
  w->append("one too many", [&](result<std::uint64_t> r) {
    called = true;
    code = r.ok() ? errc{} : r.error().code;
  });
  EXPECT_TRUE(called) << "the refusal must come before append returns";
  EXPECT_EQ(code, errc::overloaded);
  EXPECT_EQ(w->stats().refused_overloaded, 1u);
  EXPECT_EQ(w->stats().queued_records, 10u);
  release.set_value();
  ASSERT_TRUE(w->flush());
  EXPECT_EQ(ok.load(), 11);
  EXPECT_EQ(w->admission(), journal_admission::open) << "drained";
  // Space again: accepted.
  EXPECT_TRUE(append_sync(*w, "fits again"));
}

TEST_F(JournalTest, OversizedRecordsAndBatches_AreInvalidArgument) {
  env e = open();
  journal_options o;
  o.max_record_bytes = 100;
  o.max_queued_records = 5;
  auto w = writer(e, o);
  ASSERT_TRUE(w);
  auto big = append_sync(*w, std::string(101, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, errc::invalid_argument);
  std::optional<errc> batch_code;
  w->append_batch(std::vector<std::string>(6, "x"),
                  [&](result<std::uint64_t> r) { batch_code = r.ok() ? errc{} : r.error().code; });
  EXPECT_EQ(batch_code, errc::invalid_argument);
  EXPECT_TRUE(append_sync(*w, "fine"));  // refusals do not fail the writer
}

TEST_F(JournalTest, ClosedWriter_RefusesAppendsAndDrainedEverythingBefore) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  std::atomic<int> ok{0};
  for (int i = 0; i < 1000; ++i) {
    w->append("before close", [&](result<std::uint64_t> r) {
      if (r) ok.fetch_add(1);
    });
  }
  ASSERT_TRUE(w->close());  // drains
  EXPECT_EQ(ok.load(), 1000);
  EXPECT_TRUE(w->close());  // idempotent
  auto late = append_sync(*w, "after close");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, errc::unavailable);
  EXPECT_EQ(read_all(e).size(), 1000u);
}

TEST_F(JournalTest, DestructorDrainsTheQueue) {
  env e = open();
  std::atomic<int> ok{0};
  {
    auto w = writer(e);
    ASSERT_TRUE(w);
    for (int i = 0; i < 500; ++i) {
      w->append("x", [&](result<std::uint64_t> r) {
        if (r) ok.fetch_add(1);
      });
    }
  }
  EXPECT_EQ(ok.load(), 500);
  EXPECT_EQ(*last_sequence(e), 500u);
}

TEST_F(JournalTest, FlushFromACallback_IsRefusedInsteadOfDeadlocking) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  std::promise<errc> code;
  w->append("x", [&](result<std::uint64_t>) {
    auto st = w->flush();
    code.set_value(st.ok() ? errc{} : st.error().code);
  });
  EXPECT_EQ(code.get_future().get(), errc::invalid_argument);
}

TEST_F(JournalTest, ThrowingCallback_DoesNotStopTheWriter) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  w->append("x", [](result<std::uint64_t>) { throw std::runtime_error("bad callback"); });
  auto next = append_sync(*w, "y");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 2u);
}

TEST_F(JournalTest, NoSyncEnv_IsRefusedUnlessAllowed) {
  env_options eo;
  eo.no_sync = true;
  env e = open(eo);
  auto refused = journal_writer::open(e);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  journal_options o;
  o.allow_no_sync = true;
  EXPECT_TRUE(journal_writer::open(e, o));
}

TEST_F(JournalTest, Trim_RemovesAPrefixButKeepsTheNewestRecord) {
  env e = open();
  {
    auto w = writer(e);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 100; ++i) w->append(std::to_string(i), nullptr);
    ASSERT_TRUE(w->close());
  }
  auto deleted = trim_journal(e, 50, 7);  // small chunks: several transactions
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 50u);
  EXPECT_EQ(*first_sequence(e), 51u);
  auto rest = read_all(e, 1);  // from a trimmed sequence: starts at the first kept
  ASSERT_EQ(rest.size(), 50u);
  EXPECT_EQ(rest.front().first, 51u);
  EXPECT_EQ(rest.front().second, "51");

  auto all = trim_journal(e, 1000);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 49u);
  EXPECT_EQ(*first_sequence(e), 100u);
  EXPECT_EQ(*last_sequence(e), 100u);
  EXPECT_EQ(*trim_journal(e, 1000), 0u);

  auto w = writer(e);
  ASSERT_TRUE(w);
  auto seq = append_sync(*w, "next");
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 101u);  // never reuses a trimmed sequence
}

TEST_F(JournalTest, TrimWhileWriting_LosesNothingNew) {
  env e = open();
  auto w = writer(e);
  ASSERT_TRUE(w);
  for (int i = 0; i < 200; ++i) w->append("old", nullptr);
  ASSERT_TRUE(w->flush());
  std::thread appender([&] {
    for (int i = 0; i < 2000; ++i) w->append("new", nullptr);
  });
  auto deleted = trim_journal(e, 200);
  appender.join();
  ASSERT_TRUE(w->flush());
  ASSERT_TRUE(deleted);
  // 199 when trim ran before any new record (it keeps the newest), else 200.
  EXPECT_GE(*deleted, 199u);
  EXPECT_LE(*deleted, 200u);
  auto rest = read_all(e, 1);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.front().first, *deleted + 1);
  EXPECT_EQ(rest.back().first, 2200u);
  EXPECT_EQ(rest.size(), 2200u - *deleted);
}

TEST_F(JournalTest, ReadOnlyEnv_CanReadButNotWriteTheJournal) {
  env_options ro;
  ro.read_only = true;
  {
    env e = open();  // creates the environment, without a journal yet
  }
  {
    env e = open(ro);
    EXPECT_EQ(*last_sequence(e), 0u);
    EXPECT_TRUE(read_all(e).empty());
  }
  {
    env e = open();
    auto w = writer(e);
    ASSERT_TRUE(w);
    for (int i = 0; i < 3; ++i) w->append("r", nullptr);
    ASSERT_TRUE(w->close());
  }
  env e = open(ro);
  EXPECT_EQ(read_all(e).size(), 3u);
  EXPECT_EQ(*last_sequence(e), 3u);
  auto w = journal_writer::open(e);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, errc::invalid_argument);
}

TEST_F(JournalTest, EmptyJournal_HasNoSequences) {
  env e = open();
  EXPECT_EQ(*last_sequence(e), 0u);
  EXPECT_EQ(*first_sequence(e), 0u);
  EXPECT_TRUE(read_all(e).empty());
  EXPECT_EQ(*trim_journal(e, 10), 0u);
}

}  // namespace
}  // namespace msgcenter::persistence
