package convert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/avroconv"
	"github.com/connectless/connectless/core/convert/jsonschemaconv"
	"github.com/connectless/connectless/core/convert/protoconv"
	"github.com/connectless/connectless/core/convert/schemaregistry"
)

const convertersDoc = "../../docs/converters.md"

const convertersIntro = "# Schema Registry converters\n\n" +
	"Three converters read and write Confluent's Schema Registry wire format: magic byte `0`, the schema id as 4 bytes " +
	"big-endian, for Protobuf the message-index list (the single byte `0` for the first message of the schema), then the " +
	"Avro, Protobuf or JSON payload. They work as `key.converter`, `value.converter` and as the worker's defaults, in the " +
	"worker and in the Lambda functions alike.\n\n" +
	"| Class | Aliases | Payload |\n|---|---|---|\n" +
	"| `io.confluent.connect.avro.AvroConverter` | `AvroConverter`, `Avro` | Avro binary (hamba/avro) |\n" +
	"| `io.confluent.connect.protobuf.ProtobufConverter` | `ProtobufConverter`, `Protobuf` | Protobuf (dynamic messages; schema text compiled with protocompile) |\n" +
	"| `io.confluent.connect.json.JsonSchemaConverter` | `JsonSchemaConverter`, `JsonSchema` | JSON text |\n\n" +
	"The registry client and the wire header are franz-go's `pkg/sr`. Tests run against franz-go's in-memory registry " +
	"(`pkg/sr/srfake`) served over HTTP on loopback, and `connectless dev` serves one too and prints its URL.\n\n" +
	"## Behaviour\n\n" +
	"* **Subjects.** `<topic>-value` / `<topic>-key` (TopicNameStrategy) unless a strategy says otherwise. With " +
	"`auto.register.schemas=true` (the default) a record's schema is registered on first use; with `false` it must already " +
	"be registered under the subject. `use.latest.version=true` writes with the subject's latest schema. With `latest.compatibility.strict=true` (the " +
	"default) the AvroConverter first checks on its side, as Confluent's serializers do, that the latest schema can read " +
	"the record's (hamba/avro's schema compatibility check); an incompatible record is an error of the record. The " +
	"Protobuf and JSON Schema converters cannot check it and refuse `latest.compatibility.strict=true` together with " +
	"`use.latest.version=true`: set it to `false` to write with the latest schema unchecked. (The registry's own " +
	"compatibility endpoint is not used: it checks the other direction, and the in-memory registry of the tests always " +
	"answers compatible.)\n" +
	"* **Caching.** Schema ids and schemas are cached (`schemas.cache.config` entries each): only the first record of a " +
	"schema calls the registry.\n" +
	"* **Registry down.** A registry that cannot be reached, takes longer than `connectless.schema.registry.request.timeout.ms` (30 s by default; the converter API carries no context, so this key bounds each call) or answers 5xx/408/429 gives a " +
	"retriable error: the slice ends and is retried, nothing is committed past the record.\n" +
	"* **Refusals.** Any other answer (incompatible schema, subject or id not found, 401/403) is an error of the record, " +
	"handled by `errors.tolerance` and the dead letter queue, with the registry's HTTP status, error code and message.\n" +
	"* **Bad bytes.** A value that does not start with magic byte 0 and a schema id fails with `not in Schema Registry wire " +
	"format`, naming the topic; the runtime adds partition and offset.\n" +
	"* **Tombstones.** A null value is written as a null value and read back as null, with no registry call.\n" +
	"* **Secrets.** `basic.auth.user.info`, `bearer.auth.token` and the `schema.registry.ssl.*` key material are " +
	"redacted wherever configs are shown, like every password key.\n" +
	"* **Not implemented, refused.** `use.schema.id`, `id.compatibility.strict`, `latest.cache.ttl.sec`, " +
	"`latest.with.metadata`, `context.name.strategy`, the `*.subject.name.strategy.type` keys, " +
	"`optional.for.nullables`, `wrapper.for.nullables`, `generate.index.for.unions`, `generalized.sum.type.support`, the OAuth " +
	"`bearer.auth.*` keys and the JKS/PKCS12 store passwords: setting one fails the converter's configuration. " +
	"`schema.registry.basic.auth.user.info`, Confluent's older name, is read as `basic.auth.user.info`.\n\n" +
	"## Schema mapping\n\n" +
	"* **Avro** follows Confluent's AvroData: unnamed structs become records `ConnectDefault`, `ConnectDefault2`, ... in " +
	"namespace `io.confluent.connect.avro`; `connect.name`, `connect.version`, `connect.doc`, `connect.parameters`, " +
	"`connect.default` and `connect.type` (int8, int16) properties (`connect.meta.data`); optional values as " +
	"`[\"null\", T]` with default null (`[T, \"null\"]` when the schema has a default); Decimal as `bytes` with the " +
	"`decimal` logical type, precision from `connect.decimal.precision` (default 64); Date, Time and Timestamp as `date`, " +
	"`time-millis`, `timestamp-millis`; maps with non-string keys as arrays of `io.confluent.connect.avro.MapEntry` " +
	"records; Avro enums as strings with `io.confluent.connect.avro.Enum` parameters (written back as enums with " +
	"`enhanced.avro.schema.support`); Avro unions as structs named `io.confluent.connect.avro.Union`. Not supported: " +
	"schemaless values (Confluent's `Anything` record), recursive schemas. Enum symbols are written back in the order " +
	"the schema declares them (Connect schemas keep their parameters' order).\n" +
	"* **Protobuf** writes proto3: a struct is a message (named after the schema, `ConnectDefault1` when unnamed), fields " +
	"numbered in order unless they carry `io.confluent.connect.protobuf.Tag`, optional scalars with the `optional` keyword " +
	"(nulls survive), arrays as `repeated`, maps as `map<K, V>` when Protobuf allows it and otherwise (keys that are " +
	"not integers, bools or strings; values that are arrays or maps) as ProtobufData writes them, a `repeated " +
	"<Field>Entry` message with fields `key = 1` and `value = 2`; structs named `io.confluent.connect.protobuf.Union.<name>` " +
	"as `oneof <name>`; nested structs as nested messages; enum values in declared order; Timestamp as `google.protobuf.Timestamp`, Date as " +
	"`google.type.Date`, Time as `google.type.TimeOfDay`, Decimal as `confluent.type.Decimal` with its scale in " +
	"`(confluent.field_meta)`, int8 and int16 as `int32` with `connect.type` in `(confluent.field_meta)`. Reading follows ProtobufData: enums are strings with `io.confluent.connect.protobuf.Enum` parameters, " +
	"a oneof is an optional struct field `<oneof>_<index>` named `io.confluent.connect.protobuf.Union.<oneof>` (oneofs " +
	"first), every field carries its number in `io.confluent.connect.protobuf.Tag` (so a schema read is written back " +
	"with the same numbers), wrapper types are optional primitives and unsigned integers int64. A `repeated <X>Entry` " +
	"message of `key` and `value` is read as a map, also when `value` is repeated (ProtobufData reads that one as an " +
	"array of structs), so maps of arrays round-trip. Imports are resolved from the schema's references (other subjects), " +
	"`google/protobuf/*`, `confluent/meta.proto`, `confluent/type/decimal.proto` and `google/type/{date,timeofday}.proto`. " +
	"Refused with a message: arrays of arrays (ProtobufData refuses them too) and arrays of maps (ProtobufData would " +
	"flatten them into one map); wrap the inner array or map in a struct.\n" +
	"* **JSON Schema** follows Confluent's JsonSchemaData: `type` with `connect.type`, `connect.index` on properties, " +
	"`title` for the schema name, `connect.version`, `connect.parameters`, optional values as " +
	"`oneOf: [{\"type\": \"null\"}, ...]`, bytes as base64 strings, Decimal as a JSON number, maps with non-string keys as " +
	"arrays of `{key, value}`. With `json.fail.invalid.schema=true` every value is validated against its schema.\n" +
	"* **Not supported, refused with a message in every format:** schemaless values (a record with no Connect schema; " +
	"Confluent's Avro `Anything` record and JSON Schema's typeless AnyValue), and recursive schemas (an Avro record or " +
	"Protobuf message that holds itself; JSON Schema `$ref`). Such a record fails as an error of the record, handled by " +
	"`errors.tolerance` and the dead letter queue.\n\n" +
	"## Example: cp-all-in-one\n\n" +
	"The connect service of Confluent's cp-all-in-one sets the worker's value converter through environment variables; " +
	"the worker reads them the same way:\n\n" +
	"```\nCONNECT_BOOTSTRAP_SERVERS=broker:29092\n" +
	"CONNECT_KEY_CONVERTER=org.apache.kafka.connect.storage.StringConverter\n" +
	"CONNECT_VALUE_CONVERTER=io.confluent.connect.avro.AvroConverter\n" +
	"CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL=http://schema-registry:8081\n```\n\n" +
	"A connector can set its own instead:\n\n" +
	"```json\n{\n  \"name\": \"orders-to-lake\",\n  \"config\": {\n" +
	"    \"connector.class\": \"io.confluent.connect.s3.S3SinkConnector\",\n" +
	"    \"topics\": \"orders\",\n" +
	"    \"format.class\": \"io.confluent.connect.s3.format.parquet.ParquetFormat\",\n" +
	"    \"value.converter\": \"io.confluent.connect.avro.AvroConverter\",\n" +
	"    \"value.converter.schema.registry.url\": \"https://sr-1:8081,https://sr-2:8081\",\n" +
	"    \"value.converter.basic.auth.credentials.source\": \"USER_INFO\",\n" +
	"    \"value.converter.basic.auth.user.info\": \"${file:/secrets/sr.properties:user_info}\",\n" +
	"    \"value.converter.schema.registry.ssl.truststore.location\": \"/certs/ca.pem\"\n  }\n}\n```\n\n" +
	"# Keys\n\nEvery key is given without its `key.converter.` / `value.converter.` prefix.\n\n"

// only renders the keys of def that shared does not have.
func only(def, shared *connect.ConfigDef) string {
	out := connect.NewConfigDef()
	for _, k := range def.Keys() {
		if _, ok := shared.Key(k.Name); !ok {
			out.Define(k)
		}
	}
	return out.MarkdownDocs()
}

func convertersPage() string {
	shared := schemaregistry.ConfigDef()
	var b strings.Builder
	b.WriteString(convertersIntro)
	b.WriteString(strings.ReplaceAll(shared.MarkdownDocs(), "\n## ", "\n## All three converters: "))
	b.WriteString("\n## AvroConverter only\n\n")
	b.WriteString(strings.ReplaceAll(only(avroconv.Config(), shared), "## Avro\n\n", ""))
	b.WriteString("\n## JsonSchemaConverter only\n\n")
	b.WriteString(strings.ReplaceAll(only(jsonschemaconv.Config(), shared), "## JSON Schema\n\n", ""))
	if extra := only(protoconv.Config(), shared); extra != "" {
		b.WriteString("\n## ProtobufConverter only\n\n" + extra)
	}
	return b.String()
}

// TestConvertersReferenceDoc checks docs/converters.md against the ConfigDefs; go test -update
// (the flag the golden tests share) rewrites it.
func TestConvertersReferenceDoc(t *testing.T) {
	page := convertersPage()
	path := filepath.FromSlash(convertersDoc)
	if *update {
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update in core/convert)", err)
	}
	if string(got) != page {
		t.Errorf("%s is out of date with the converters' ConfigDefs: run go test -update in core/convert", path)
	}
	for _, def := range []*connect.ConfigDef{avroconv.Config(), protoconv.Config(), jsonschemaconv.Config()} {
		for _, k := range def.Names() {
			if !strings.Contains(page, "`"+k+"`") {
				t.Errorf("key %s missing from %s", k, path)
			}
		}
	}
}
