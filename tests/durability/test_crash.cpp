// The crash test: a child process ingests bursts into a durable engine and reports what was
// acknowledged; we kill it with SIGKILL at random moments, 100 times, and check after each
// restart that every acknowledged message is present exactly once and that resending its
// provider id answers `duplicate`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "msgcenter/message_center.hpp"

extern char** environ;

namespace msgcenter::testing {
namespace {

namespace fs = std::filesystem;

/// Runs crash_child, kills it after `delay`, returns the provider ids it acknowledged.
std::vector<std::string> run_and_kill(const std::string& dir, std::uint64_t first_id,
                                      std::chrono::milliseconds delay) {
  int out[2];
  if (::pipe(out) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string first = std::to_string(first_id);
  std::string child = MSGCENTER_CRASH_CHILD;
  char* argv[] = {child.data(), const_cast<char*>(dir.c_str()), first.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, child.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    ADD_FAILURE() << "cannot start " << child;
    return {};
  }
  // Read everything the child prints until it dies; kill it at a random moment once it has
  // acknowledged its first batch.
  std::string text;
  bool ready = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::chrono::steady_clock::time_point kill_at{};
  ::fcntl(out[0], F_SETFL, O_NONBLOCK);
  for (;;) {
    char buf[65536];
    auto n = ::read(out[0], buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<std::size_t>(n));
      // Start the countdown at the first acknowledged batch, so every run has something
      // to lose however slow the build (sanitizers) or the machine.
      if (!ready && text.find("SMk") != std::string::npos) {
        ready = true;
        kill_at = std::chrono::steady_clock::now() + delay;
      }
      continue;
    }
    if (n == 0) break;  // the child is gone
    auto now = std::chrono::steady_clock::now();
    if ((ready && now >= kill_at) || now >= deadline) {
      ::kill(pid, SIGKILL);
      ready = false;
      kill_at = std::chrono::steady_clock::time_point::max();
      deadline = std::chrono::steady_clock::time_point::max();
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child must die by the kill";
  // Only complete lines count: each batch was written with one write(2) after its ack.
  std::vector<std::string> acked;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind("SMk", 0) == 0) acked.push_back(line);
  if (!text.empty() && text.back() != '\n' && !acked.empty()) acked.pop_back();
  return acked;
}

TEST(CrashTest, HundredKills_NoAcknowledgedMessageLostOrDuplicated) {
  // A directory of its own: two runs of this test at once (another checkout's, or a second
  // ctest) must not share a store (the store's lock file refuses that).
  std::string tmpl = (fs::temp_directory_path() / "msgcenter-crash-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path base = tmpl;
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<int> delay_ms(5, 80);
  constexpr int kDirs = 10;
  constexpr int kKillsPerDir = 10;
  std::size_t total_acked = 0;
  for (int d = 0; d < kDirs; ++d) {
    auto dir = (base / std::to_string(d)).string();
    fs::create_directories(dir);
    std::vector<std::string> acked_here;
    for (int k = 0; k < kKillsPerDir; ++k) {
      std::uint64_t first = (static_cast<std::uint64_t>(d) * kKillsPerDir + k) * 10'000'000;
      auto acked = run_and_kill(dir, first, std::chrono::milliseconds(delay_ms(rng)));
      total_acked += acked.size();
      acked_here.insert(acked_here.end(), acked.begin(), acked.end());
      // Restart: every acknowledged id of this run is there, and a resend is a duplicate.
      options o;
      o.data_dir = dir;
      auto opened = message_center::open(o);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      auto& mc = *opened.value();
      std::vector<inbound_request> resend;
      for (auto& id : acked)
        resend.push_back({"+12025551999", "+12025550100", id, {}, id, std::nullopt});
      for (std::size_t i = 0; i < resend.size(); i += 1000) {
        std::vector<inbound_request> part(resend.begin() + i,
                                          resend.begin() + std::min(resend.size(), i + 1000));
        auto results = mc.ingest({"crash"}, part);
        for (std::size_t j = 0; j < results.size(); ++j) {
          ASSERT_TRUE(results[j].ok()) << part[j].provider_id << ": " << results[j].error().message;
          ASSERT_TRUE(results[j]->duplicate) << part[j].provider_id << " was acknowledged but lost";
          ASSERT_EQ(results[j]->stored.body, part[j].provider_id);
        }
      }
      mc.close();
    }
    // Exactly once: each acknowledged body appears once in the export of the whole store.
    options o;
    o.data_dir = dir;
    auto mc = std::move(message_center::open(o).value());
    ASSERT_TRUE(
        mc->staff_put(
              {"crash"},
              {"auditor", "Auditor", bit(right::view_messages) | bit(right::export_), {}, false})
            .ok());
    auto csv = mc->export_csv({"crash", "auditor", std::nullopt}, {});
    ASSERT_TRUE(csv.ok());
    std::map<std::string, int> seen;
    std::istringstream rows(csv->csv);
    std::string row;
    while (std::getline(rows, row)) {
      auto pos = row.rfind(',');
      if (pos == std::string::npos) continue;
      auto body = row.substr(pos + 1);
      if (!body.empty() && body.back() == '\r') body.pop_back();
      ++seen[body];
    }
    for (auto& id : acked_here) ASSERT_EQ(seen[id], 1) << id << " must be stored exactly once";
    mc->close();
    fs::remove_all(dir);
  }
  EXPECT_GT(total_acked, 1000u) << "the children must have acknowledged real work before dying";
  fs::remove_all(base);
  std::cout << "[ crash    ] 100 kills, " << total_acked << " acknowledged messages checked\n";
}

}  // namespace
}  // namespace msgcenter::testing
