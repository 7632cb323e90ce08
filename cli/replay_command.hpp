// `msgcenter replay [--data DIR] FILE|-`: the JSON Lines protocol of protocol.md.
#pragma once

#include <CLI/CLI.hpp>

namespace msgcenter::cli {

/// Adds the `replay` subcommand to `app`; it sets `exit_code` when run.
void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace msgcenter::cli
