// One process per data directory (security review L10): a second store on the same
// directory is refused with a clear error, from another process or the same one, and the
// directory is free again once the first is closed or its process is gone.
#include "msgcenter/persistence/directory_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include "msgcenter/persistence/store.hpp"
#include "persistence/test_support.hpp"

namespace msgcenter::persistence {
namespace {

using testing::temp_dir;

TEST(DirectoryLock, ASecondStoreOnTheSameDirectory_IsRefusedNamingTheLockFile) {
  temp_dir dir;
  auto first = store::open(dir.str());
  ASSERT_TRUE(first) << first.error().message;
  auto second = store::open(dir.str());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::unavailable);
  EXPECT_NE(second.error().message.find("in use by another process"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find(dir.str() + "/LOCK"), std::string::npos);
  ASSERT_TRUE(first.value()->close());
  auto after_close = store::open(dir.str());
  EXPECT_TRUE(after_close) << "closing releases the directory";
}

TEST(DirectoryLock, AnotherProcess_IsRefused_UntilTheOwnerIsGone) {
  temp_dir dir;
  int ready[2];
  int done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  pid_t owner = ::fork();
  ASSERT_GE(owner, 0);
  if (owner == 0) {
    // The owner: holds the store until told to die (killed: no close, no cleanup).
    auto s = store::open(dir.str());
    char c = s ? '1' : '0';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(done[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1') << "the owner opened the store";
  auto refused = store::open(dir.str());
  ASSERT_FALSE(refused) << "two processes writing one journal would overwrite each other";
  EXPECT_EQ(refused.error().code, errc::unavailable);
  ::kill(owner, SIGKILL);
  int status = 0;
  ::waitpid(owner, &status, 0);
  auto taken = store::open(dir.str());
  EXPECT_TRUE(taken) << "a killed owner leaves no stale lock: " << taken.error().message;
  ::close(ready[0]);
  ::close(ready[1]);
  ::close(done[0]);
  ::close(done[1]);
}

}  // namespace
}  // namespace msgcenter::persistence
