#include "audit_page_route.h"

#include <string>

#include "api.h"

namespace ledger::server::internal {
namespace {

constexpr std::string_view kRoot = "/audit";

// No inline script or style, no other origin: injected markup cannot run, and the page cannot
// send what it fetched (or the pasted token) anywhere but back to this server.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

Reply WithPageHeaders(Reply r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace

bool IsAuditPagePath(std::string_view path) {
  return path == kRoot || (path.starts_with(kRoot) && path[kRoot.size()] == '/');
}

Reply AuditPageReply(std::string_view method, std::string_view path) {
  if (method != "GET") return WithPageHeaders(MethodNotAllowed("GET"));
  if (path == kRoot) {
    Reply r = TextReply(308, "moved to /audit/\n");
    r.headers.emplace_back("Location", "/audit/");
    return WithPageHeaders(std::move(r));
  }
  std::string_view name = path.substr(kRoot.size() + 1);
  if (name.empty()) name = "index.html";
  for (const EmbeddedFile& f : AuditPageFiles()) {
    if (f.name == name) {
      return WithPageHeaders(TextReply(200, std::string(f.bytes), ContentTypeOf(f.name)));
    }
  }
  return WithPageHeaders(
      ErrorReply(404, "not_found", "the auditor's page has no file " + std::string(path)));
}

}  // namespace ledger::server::internal
