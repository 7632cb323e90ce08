// Shared helpers of the persistence tests: a fresh temporary directory per test, removed
// afterwards, and shortcuts for opening an environment in it.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "msgcenter/persistence/lmdb.hpp"

namespace msgcenter::persistence::testing {

/// A unique directory under $TMPDIR (or /tmp), deleted with everything in it on destruction.
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                       "/msgcenter-persistence-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// Base fixture: `dir` is fresh for every test; open() opens an env inside it.
class store_test : public ::testing::Test {
 protected:
  env open(const env_options& options = {}) {
    auto e = env::open(dir.str() + "/db", options);
    if (!e) {
      ADD_FAILURE() << "env::open: " << e.error().message;
      return env{};
    }
    return std::move(*e);
  }

  temp_dir dir;
};

}  // namespace msgcenter::persistence::testing
