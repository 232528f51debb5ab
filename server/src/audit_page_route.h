// The auditor's page (docs/api.md, "The auditor's page"): a static HTML page and its script and
// style, embedded in the binary at build time (cmake/EmbedFiles.cmake, from server/audit_page/),
// served without a token under /audit/. The page itself holds no data: it fetches the log's
// head, checkpoint, entries, bundles and proofs with the token the auditor pastes, and verifies
// them in the browser.
#ifndef SERVER_SRC_AUDIT_PAGE_ROUTE_H_
#define SERVER_SRC_AUDIT_PAGE_ROUTE_H_

#include <span>
#include <string_view>

#include "embedded_file.h"
#include "reply.h"

namespace ledger::server::internal {

// The files of server/audit_page/ (generated: audit_page_files.cc).
std::span<const EmbeddedFile> AuditPageFiles();

// True for "/audit" and every path under "/audit/": these need no token and are answered by
// AuditPageReply alone.
bool IsAuditPagePath(std::string_view path);

// The answer to `method` `path` (REQUIRES: IsAuditPagePath(path)): "/audit" redirects (308) to
// "/audit/", which is index.html; "/audit/<file>" is that file; GET only (405 otherwise), an
// unknown file 404. Every answer carries a Content-Security-Policy that lets the
// page load only its own script and style and connect only to this server, and forbids framing.
Reply AuditPageReply(std::string_view method, std::string_view path);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_AUDIT_PAGE_ROUTE_H_
