package protoconv

// wellKnown returns the files Confluent's serializers treat as built in (never registered as
// references): Confluent's meta and decimal types and the google.type messages AvroData's
// Protobuf sibling (ProtobufData) maps Connect's logical types to. google/protobuf/* comes
// from protocompile's standard imports.
func wellKnown(name string) (string, bool) {
	switch name {
	case "confluent/meta.proto":
		return `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`, true
	case "confluent/type/decimal.proto":
		return `syntax = "proto3";
package confluent.type;
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
`, true
	case "google/type/date.proto":
		return `syntax = "proto3";
package google.type;
message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
`, true
	case "google/type/timeofday.proto":
		return `syntax = "proto3";
package google.type;
message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
}
`, true
	}
	return "", false
}
