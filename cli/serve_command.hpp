// `msgcenter serve`: the HTTP API, Twilio webhooks and event streams (docs/api.md).
#pragma once

#include <CLI/CLI.hpp>

namespace msgcenter::cli {

/// Adds the `serve` subcommand to `app`; it sets `exit_code` when run.
void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace msgcenter::cli
