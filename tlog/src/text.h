// Lexical rules shared by the c2sp.org text formats: the character set of signed notes and key
// names (decimal numbers: base/decimal.h).
#ifndef TLOG_SRC_TEXT_H_
#define TLOG_SRC_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tlog::internal {

// c2sp.org/signed-note: "Signed notes MUST be valid UTF-8 and MUST NOT contain any ASCII control
// characters (those below U+0020) other than newline." InvalidArgument names the first offending
// byte offset; `what` ("note", "checkpoint") starts the message.
ledger::Status CheckNoteCharacters(std::string_view text, std::string_view what);

// A key name: non-empty, valid UTF-8, no Unicode white space (as Go's unicode.IsSpace) and no
// '+' (c2sp.org/signed-note).
bool IsValidKeyName(std::string_view name);

// Splits off the text up to the first '\n' into *line and drops it and the '\n' from *text.
// False if *text has no '\n'.
bool NextLine(std::string_view* text, std::string_view* line);

// Untrusted input quoted for an error message: at most 64 bytes, with control bytes, '"' and '\\'
// escaped as \xNN so that a message never carries a line break or a terminal escape.
std::string Quote(std::string_view untrusted);

}  // namespace tlog::internal

#endif  // TLOG_SRC_TEXT_H_
