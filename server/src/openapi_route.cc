// GET /v1/openapi.json: the description of this API (docs/openapi.json), embedded at build time
// (cmake/EmbedFiles.cmake), so the server answers with exactly the file of the source tree it
// was built from and reads no file at run time.
//
// Any authenticated role may read it, evaluators included: it holds nothing the repository's
// docs do not. It is not public like /v1/health: unauthenticated requests have no per-token
// rate limit, so the one endpoint without a token stays the one monitoring needs.
#include "api.h"
#include "embedded_file.h"

namespace ledger::server::internal {

// docs/openapi.json, its one file (generated: openapi_files.cc).
std::span<const EmbeddedFile> OpenApiFiles();

Reply HandleOpenApi(ApiContext& /*ctx*/, const ApiRequest& req, bool* handled) {
  if (req.target.path != "/v1/openapi.json") {
    *handled = false;
    return {};
  }
  if (req.method != "GET") return MethodNotAllowed("GET");
  Reply r = TextReply(200, std::string(OpenApiFiles()[0].bytes), kJsonType);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace ledger::server::internal
