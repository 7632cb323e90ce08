#include "replay_command.hpp"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "inbox_printer.hpp"
#include "msgcenter/message_center.hpp"
#include "msgcenter/protocol.hpp"

namespace msgcenter::cli {
namespace {

struct replay_args {
  std::string data_dir;
  std::string file;
  std::string show_inbox;  ///< "business:staff"
};

/// A store directory removed when the replay ends (no --data).
class scratch_dir {
 public:
  scratch_dir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "msgcenter-replay-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~scratch_dir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

int run_replay(const replay_args& a) {
  options opts;
  std::optional<scratch_dir> scratch;
  if (a.data_dir.empty()) {
    scratch.emplace();
    if (scratch->path().empty()) {
      std::cerr << "msgcenter: cannot create a temporary store\n";
      return 1;
    }
    opts.data_dir = scratch->path();
  } else {
    opts.data_dir = a.data_dir;
  }
  auto engine = message_center::open(opts);
  if (!engine) {
    std::cerr << "msgcenter: " << engine.error().message << "\n";
    return 1;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file.open(a.file);
    if (!file) {
      std::cerr << "msgcenter: cannot open " << a.file << "\n";
      return 1;
    }
    in = &file;
  }
  protocol_session session(*engine.value());
  std::string line;
  // One result line per input line, in order; blank lines and // comments are skipped.
  while (std::getline(*in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line.compare(first, 2, "//") == 0) continue;
    std::cout << session.execute_line(line).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace)
              << "\n";
  }
  std::cout.flush();
  if (!a.show_inbox.empty()) {
    auto colon = a.show_inbox.find(':');
    if (colon == std::string::npos) {
      std::cerr << "msgcenter: --show-inbox wants BUSINESS:STAFF\n";
      return 2;
    }
    print_inbox(std::cerr, *engine.value(), a.show_inbox.substr(0, colon),
                a.show_inbox.substr(colon + 1));
  }
  engine.value()->close();
  return 0;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<replay_args>();
  auto* cmd =
      app.add_subcommand("replay", "Run JSON Lines operations (protocol.md), one result line each");
  cmd->add_option(
      "--data", args->data_dir,
      "LMDB store directory, kept across runs (default: a temporary store removed at exit)");
  cmd->add_option("--show-inbox", args->show_inbox,
                  "After the run, print BUSINESS:STAFF's inbox as a table on stderr");
  cmd->add_option("file", args->file, "Operations file, or - for standard input")->required();
  cmd->callback([args, &exit_code] { exit_code = run_replay(*args); });
}

}  // namespace msgcenter::cli
