# Annotations that carry the event catalogue's JSON contract inside the schema, so that one
# generic codec (ledger/src/json_codec.cc) and one validator (ledger/src/event_validator.cc) can
# serve every event type. The ids are fixed: the C++ side matches them by value.
@0xcc0a9ae0247fddaa;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::schema");

# The field may be absent from JSON. Pointer fields (Text, Data, List, struct) are then unset;
# a numeric field is then 0, so an optional number is never meaningfully 0.
annotation optional @0xf4fe2ac5c56dff67 (field) :Void;

# The value format of a Text field (or of each element of a List(Text)), checked on every
# append whatever the wire format: "uuid", "id", "code", "legal", "date", "instant", "month",
# "kommune", "sha256", "recipient", "basis", "stream", "subject", "key_id", "key_name",
# "ed25519_public", "expected_version". docs/formats.md defines each.
annotation format @0x9eae0ca0336c5bc9 (field) :Text;

# Inclusive numeric bounds of an integer field.
annotation min @0x8c4cf6f8e429d553 (field) :Int64;
annotation max @0xeddffc218e1d4205 (field) :Int64;

# Bounds on the number of elements of a List field.
annotation minItems @0xefb326f8c9b4f5ea (field) :UInt32;
annotation maxItems @0xda4b3790de3873ab (field) :UInt32;

# On a member of Event.data: the catalogue's type name ("case.opened").
annotation eventType @0xdc3e6d612b29a8e8 (field) :Text;
