// The OpenAPI 3 description of the HTTP API, served at GET /v1/openapi.json.
#pragma once

#include <string>

namespace msgcenter::server {

/// The OpenAPI 3.0 document (JSON text). Built once; thread-safe.
[[nodiscard]] const std::string& openapi_document();

}  // namespace msgcenter::server
