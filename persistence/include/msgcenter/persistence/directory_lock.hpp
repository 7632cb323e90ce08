// One process per data directory (security review L10): a store holds an exclusive lock on
// `DIR/LOCK` while it is open. LMDB itself lets several processes share an environment, but
// the journal writer keeps its next sequence in memory, so two writers would overwrite each
// other's records. flock(2) locks die with their process, so a crashed or killed owner never
// leaves a stale lock behind.
#pragma once

#include <string>

#include "msgcenter/core/error.hpp"

namespace msgcenter::persistence {

class directory_lock {
 public:
  directory_lock() = default;
  /// Takes the lock of directory `dir` (which must exist), without waiting.
  /// Errors: unavailable ("<dir> is in use by another process (lock file <dir>/LOCK)", or
  /// the lock file cannot be created).
  [[nodiscard]] static result<directory_lock> acquire(const std::string& dir);

  directory_lock(directory_lock&& other) noexcept;
  directory_lock& operator=(directory_lock&& other) noexcept;
  directory_lock(const directory_lock&) = delete;
  directory_lock& operator=(const directory_lock&) = delete;
  ~directory_lock();  ///< releases the lock

  [[nodiscard]] bool held() const noexcept { return fd_ >= 0; }

 private:
  explicit directory_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace msgcenter::persistence
