// The bytes of an HTTP/1.1 response (private to the server).
//
// Responses are rendered straight into one string that the connection writes (several
// answers of a pipeline go out in one write); the accepted webhook's empty TwiML answer is
// rendered once per process. Pure and thread-safe.
#pragma once

#include <string>

#include "api.hpp"

namespace msgcenter::server {

/// `reply` as HTTP/1.1 bytes: status line, Server, Content-Type, Cache-Control, the reply's
/// own headers, Content-Length, `Connection: close` unless keep_alive, then the body (none
/// for HEAD, whose Content-Length is the GET's).
[[nodiscard]] std::string render_response(const api_reply& reply, bool keep_alive, bool head);

/// The accepted webhook's answer (200, text/xml, empty TwiML), rendered once.
[[nodiscard]] const std::string& twiml_ok_bytes(bool keep_alive);

}  // namespace msgcenter::server
