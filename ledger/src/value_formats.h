// The value formats named by the schema's $format annotation (schema/annotations.capnp). One
// function checks a value against a named format; docs/formats.md lists the same rules for
// people. Keeping every Text field to a format is also a privacy rule: a field that only takes
// codes cannot carry a name or a free-text note about a person.
#ifndef LEDGER_SRC_VALUE_FORMATS_H_
#define LEDGER_SRC_VALUE_FORMATS_H_

#include <string_view>

#include "base/status.h"

namespace ledger::internal {

// OK if `value` is of `format`; otherwise InvalidArgument saying what was expected (the caller
// adds the field's path). An unknown format name is FailedPrecondition: a schema bug.
Status CheckValueFormat(std::string_view format, std::string_view value);

// The pieces other modules need on their own.
bool IsUuid(std::string_view value);
bool IsIdentifier(std::string_view value);  // "id": [A-Za-z0-9._:-]{1,64}

}  // namespace ledger::internal

#endif  // LEDGER_SRC_VALUE_FORMATS_H_
