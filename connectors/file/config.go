package file

import "github.com/connectless/connectless/core/connect"

// Version is the connectors' version string.
const Version = "0.1.0"

// Class names users put in connector.class, as in Kafka.
const (
	SourceClass = "org.apache.kafka.connect.file.FileStreamSourceConnector"
	SinkClass   = "org.apache.kafka.connect.file.FileStreamSinkConnector"
)

// Config keys and source offset fields, as Kafka's FileStream connectors name them.
const (
	FileConfig      = "file"
	TopicConfig     = "topic"
	BatchSizeConfig = "batch.size"
	// FilenameField is the source partition field holding the file name.
	FilenameField = "filename"
	// PositionField is the source offset field holding the byte position after a line.
	PositionField = "position"
)

// DefaultBatchSize is batch.size's default, as Kafka's.
const DefaultBatchSize = 2000

// SourcePlugin describes FileStreamSource for the connector registry.
var SourcePlugin = connect.Plugin{
	Class:   SourceClass,
	Type:    connect.PluginSource,
	Version: Version,
	New:     func() connect.Connector { return &SourceConnector{} },
}

// SinkPlugin describes FileStreamSink for the connector registry.
var SinkPlugin = connect.Plugin{
	Class:   SinkClass,
	Type:    connect.PluginSink,
	Version: Version,
	New:     func() connect.Connector { return &SinkConnector{} },
}

// SourceConfigDef describes FileStreamSource's keys, as SourcePlugin has them (no standard
// input: file is required).
func SourceConfigDef() *connect.ConfigDef { return sourceConfigDef(false) }

// sourceConfigDef describes FileStreamSource's keys; with standard input (NewSourcePlugin, as
// `connectless standalone` builds it) file is optional and empty reads standard input, as in
// Kafka.
func sourceConfigDef(stdin bool) *connect.ConfigDef {
	file := connect.ConfigKey{Name: FileConfig, Type: connect.ConfigString, Required: true,
		Validator: connect.NonEmptyString(), Importance: connect.High,
		Doc: "Source file name. Lines are read from it in order; a last line without a newline waits for one. " +
			"Required, except in `connectless standalone`, where empty (the default there) reads standard input as " +
			"Kafka's does (a serverless task or a shared worker has no standard input to read). Mirrors FileStreamSource's file."}
	if stdin {
		file.Required, file.Default, file.Validator = false, "", nil
	}
	return connect.NewConfigDef().
		Define(file).
		Define(connect.ConfigKey{Name: TopicConfig, Type: connect.ConfigString, Required: true,
			Validator: connect.NonEmptyStringWithoutControlChars(), Importance: connect.High,
			Doc: "The topic to publish data to. No default. Mirrors FileStreamSource's topic."}).
		Define(connect.ConfigKey{Name: BatchSizeConfig, Type: connect.ConfigInt, Default: DefaultBatchSize,
			Validator: connect.AtLeast[int32](1), Importance: connect.Low,
			Doc: "The maximum number of records the source task can read from the file each time it is polled. Default 2000. Mirrors FileStreamSource's batch.size."})
}

// SinkConfigDef describes FileStreamSink's keys (topics and topics.regex are the runtime's).
func SinkConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: FileConfig, Type: connect.ConfigString, Required: true,
			Validator: connect.NonEmptyString(), Importance: connect.High,
			Doc: "Destination file name; created when missing, appended to otherwise. Its directory must exist. " +
				"Required (Kafka's default, standard output, has no meaning for a serverless task). Mirrors FileStreamSink's file."})
}
