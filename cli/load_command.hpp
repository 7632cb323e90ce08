// `msgcenter load`: a load generator for inbound bursts.
//
// Against the embedded engine (default): opens a message_center (in memory, or durable with
// --data DIR), creates a business with one number and --staff staff members who all see
// every conversation, and ingests --messages inbound messages spread over --conversations
// client phones in batches of --batch through ingest_async, at most --inflight batches in
// flight, paced at --rate messages/s (0 = as fast as it goes).
//
// Against a running `msgcenter serve` (--url): one signed Twilio webhook per message (form
// POST to <url>/webhooks/twilio/sms with X-Twilio-Signature), over --connections keep-alive
// HTTP/1.1 connections. The server must already know the business owning --number and its
// Twilio auth token (--token).
//
// Report: throughput, acknowledgement latency percentiles (per message: from handing its
// batch to ingest, or its request to the socket, until its result; with --rate, from the
// time it was due, so a stalled engine is not hidden by a stalled generator), peak memory,
// memory growth per conversation, and commit batch sizes where the engine exposes them.
// A progress bar goes to stderr when stderr is a terminal; --json prints the report as one
// JSON object on stdout.
#pragma once

#include <CLI/CLI.hpp>

namespace msgcenter::cli {

/// Adds the `load` subcommand to `app`; it sets `exit_code` when run (0: every message
/// acknowledged; 1: setup failed or messages were refused; 2: bad arguments).
void add_load_command(CLI::App& app, int& exit_code);

}  // namespace msgcenter::cli
