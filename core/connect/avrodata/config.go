package avrodata

// Names and properties Confluent's AvroData writes into Avro schemas.
const (
	// Namespace is the namespace of records AvroData names itself.
	Namespace = "io.confluent.connect.avro"
	// DefaultRecordName is the name of an unnamed struct's record; later unnamed structs in the
	// same schema get DefaultRecordName2, DefaultRecordName3, ...
	DefaultRecordName = "ConnectDefault"
	// DefaultRecordFullName is DefaultRecordName in Namespace.
	DefaultRecordFullName = Namespace + "." + DefaultRecordName
	// MapEntryName names the records of a map with non-string keys, written as an array.
	MapEntryName = "MapEntry"

	PropConnectName       = "connect.name"
	PropConnectDoc        = "connect.doc"
	PropConnectVersion    = "connect.version"
	PropConnectDefault    = "connect.default"
	PropConnectParameters = "connect.parameters"
	PropConnectType       = "connect.type"
	PropInternalType      = "connect.internal.type"
	// ParamDecimalPrecision is the Decimal schema parameter that holds the Avro precision
	// (default 64).
	ParamDecimalPrecision = "connect.decimal.precision"
	// DefaultDecimalPrecision is the precision written when a Decimal schema names none.
	DefaultDecimalPrecision = 64
	// ParamFixedSize marks a bytes schema that came from an Avro fixed of that size.
	ParamFixedSize = "connect.fixed.size"

	// UnionName names the Connect struct that stands for an Avro union: one optional field per
	// member, exactly one of them set.
	UnionName = Namespace + ".Union"
	// EnumParam is the string schema parameter that names the Avro enum it came from; each
	// symbol S is a parameter EnumParam+"."+S.
	EnumParam = Namespace + ".Enum"
	// RecordDocParam, FieldDocParamPrefix, EnumDocParamPrefix and FieldDefaultParam keep Avro
	// docs and defaults in Connect schema parameters.
	RecordDocParam      = Namespace + ".record.doc"
	FieldDocParamPrefix = Namespace + ".field.doc."
	EnumDocParamPrefix  = Namespace + ".enum.doc."
	EnumDefaultPrefix   = Namespace + ".enum.default."
	FieldDefaultParam   = Namespace + ".field.default"
)

// Config holds the AvroData settings a converter or format takes from its configuration
// (Confluent's AvroDataConfig).
type Config struct {
	// ConnectMetaData writes and reads the connect.* properties (connect.meta.data, default true).
	ConnectMetaData bool
	// EnhancedSchemaSupport keeps Avro enums as enums and full record names in unions
	// (enhanced.avro.schema.support, default false).
	EnhancedSchemaSupport bool
	// ScrubInvalidNames replaces characters Avro names may not hold (scrub.invalid.names,
	// default false).
	ScrubInvalidNames bool
}

// DefaultConfig is Confluent's default AvroDataConfig.
func DefaultConfig() Config { return Config{ConnectMetaData: true} }
