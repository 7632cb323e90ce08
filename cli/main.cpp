// The msgcenter command: replay (and, as they land, serve and load).
#include <CLI/CLI.hpp>

#include "load_command.hpp"
#include "replay_command.hpp"
#include "serve_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"msgcenter: the shared SMS inbox engine"};
  app.require_subcommand(1);
  int exit_code = 0;
  msgcenter::cli::add_replay_command(app, exit_code);
  msgcenter::cli::add_serve_command(app, exit_code);
  msgcenter::cli::add_load_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
