package config

import "github.com/connectless/connectless/core/connect"

// Framework connector config keys (Kafka's ConnectorConfig, SinkConnectorConfig,
// SourceConnectorConfig).
const (
	Name                 = "name"
	ConnectorClass       = "connector.class"
	TasksMax             = "tasks.max"
	TasksMaxEnforce      = "tasks.max.enforce"
	KeyConverter         = "key.converter"
	ValueConverter       = "value.converter"
	HeaderConverter      = "header.converter"
	Transforms           = "transforms"
	Predicates           = "predicates"
	ConfigActionReload   = "config.action.reload"
	ErrorsRetryTimeout   = "errors.retry.timeout"
	ErrorsRetryDelayMax  = "errors.retry.delay.max.ms"
	ErrorsTolerance      = "errors.tolerance"
	ErrorsLogEnable      = "errors.log.enable"
	ErrorsLogIncludeMsgs = "errors.log.include.messages"

	Topics                    = "topics"
	TopicsRegex               = "topics.regex"
	DLQTopicName              = "errors.deadletterqueue.topic.name"
	DLQTopicReplicationFactor = "errors.deadletterqueue.topic.replication.factor"
	DLQContextHeadersEnable   = "errors.deadletterqueue.context.headers.enable"

	TopicCreationGroups           = "topic.creation.groups"
	TopicCreationPrefix           = "topic.creation."
	ExactlyOnceSupport            = "exactly.once.support"
	TransactionBoundary           = "transaction.boundary"
	TransactionBoundaryIntervalMs = "transaction.boundary.interval.ms"
	OffsetsStorageTopic           = "offsets.storage.topic"
)

// Framework config groups, in Kafka's order.
const (
	GroupCommon        = "Common"
	GroupTransforms    = "Transforms"
	GroupPredicates    = "Predicates"
	GroupErrors        = "Error Handling"
	GroupTopicCreation = "Topic Creation"
	GroupExactlyOnce   = "Exactly Once Support"
	GroupOffsetsTopic  = "offsets.topic"
)

const converterDoc = " class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the %s in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro."

// ConnectorDef returns the keys every connector accepts, in Kafka's ConnectorConfig.configDef
// order, groups, orders, defaults and docs.
func ConnectorDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: Name, Type: connect.ConfigString, Required: true, Validator: connect.NonEmptyStringWithoutControlChars(),
			Importance: connect.High, Doc: "Globally unique name to use for this connector.", Group: GroupCommon, OrderInGroup: 1,
			Width: connect.WidthMedium, DisplayName: "Connector name"}).
		Define(connect.ConfigKey{Name: ConnectorClass, Type: connect.ConfigString, Required: true, Importance: connect.High,
			Doc: "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. " +
				"If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name,  " +
				"or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to make the configuration a bit shorter",
			Group: GroupCommon, OrderInGroup: 2, Width: connect.WidthLong, DisplayName: "Connector class"}).
		Define(connect.ConfigKey{Name: TasksMax, Type: connect.ConfigInt, Default: 1, Validator: connect.AtLeast(1), Importance: connect.High,
			Doc: "Maximum number of tasks to use for this connector.", Group: GroupCommon, OrderInGroup: 3,
			Width: connect.WidthShort, DisplayName: "Tasks max"}).
		Define(connect.ConfigKey{Name: TasksMaxEnforce, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low,
			Doc: "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. By default, connectors that " +
				"generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. " +
				"If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, " +
				"and existing sets of tasks that exceed the tasks.max property will be allowed to run. This property is deprecated and " +
				"will be removed in an upcoming major release.",
			Group: GroupCommon, OrderInGroup: 4, Width: connect.WidthShort, DisplayName: "Enforce tasks max"}).
		Define(connect.ConfigKey{Name: KeyConverter, Type: connect.ConfigClass, Importance: connect.Low,
			Doc: sprintf("Converter"+converterDoc, "keys"), Group: GroupCommon, OrderInGroup: 5,
			Width: connect.WidthShort, DisplayName: "Key converter class"}).
		Define(connect.ConfigKey{Name: ValueConverter, Type: connect.ConfigClass, Importance: connect.Low,
			Doc: sprintf("Converter"+converterDoc, "values"), Group: GroupCommon, OrderInGroup: 6,
			Width: connect.WidthShort, DisplayName: "Value converter class"}).
		Define(connect.ConfigKey{Name: HeaderConverter, Type: connect.ConfigClass, Importance: connect.Low,
			Doc: sprintf("HeaderConverter"+converterDoc, "header values") + " By default, the SimpleHeaderConverter is used to serialize " +
				"header values to strings and deserialize them by inferring the schemas.",
			Group: GroupCommon, OrderInGroup: 7, Width: connect.WidthShort, DisplayName: "Header converter class"}).
		Define(connect.ConfigKey{Name: Transforms, Type: connect.ConfigList, Default: []string{}, Validator: aliasValidator("transformation"),
			Importance: connect.Low, Doc: "Aliases for the transformations to be applied to records.", Group: GroupTransforms, OrderInGroup: 8,
			Width: connect.WidthLong, DisplayName: "Transforms"}).
		Define(connect.ConfigKey{Name: Predicates, Type: connect.ConfigList, Default: []string{}, Validator: aliasValidator("predicate"),
			Importance: connect.Low, Doc: "Aliases for the predicates used by transformations.", Group: GroupPredicates, OrderInGroup: 9,
			Width: connect.WidthLong, DisplayName: "Predicates"}).
		Define(connect.ConfigKey{Name: ConfigActionReload, Type: connect.ConfigString, Default: "restart", Validator: connect.ValidString("none", "restart"),
			Importance: connect.Low,
			Doc: "The action that Connect should take on the connector when changes in external configuration providers result in a change " +
				"in the connector's configuration properties. A value of 'none' indicates that Connect will do nothing. A value of 'restart' " +
				"indicates that Connect should restart/reload the connector with the updated configuration properties.The restart may " +
				"actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future.",
			Group: GroupCommon, OrderInGroup: 10, Width: connect.WidthMedium, DisplayName: "Reload Action"}).
		Define(connect.ConfigKey{Name: ErrorsRetryTimeout, Type: connect.ConfigLong, Default: int64(0), Importance: connect.Medium,
			Doc: "The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries " +
				"will be attempted. Use -1 for infinite retries.",
			Group: GroupErrors, OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Retry Timeout for Errors"}).
		Define(connect.ConfigKey{Name: ErrorsRetryDelayMax, Type: connect.ConfigLong, Default: int64(60000), Importance: connect.Medium,
			Doc: "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this " +
				"limit is reached to prevent thundering herd issues.",
			Group: GroupErrors, OrderInGroup: 2, Width: connect.WidthMedium, DisplayName: "Maximum Delay Between Retries for Errors"}).
		Define(connect.ConfigKey{Name: ErrorsTolerance, Type: connect.ConfigString, Default: "none", Validator: connect.ValidString("none", "all"),
			Importance: connect.Medium,
			Doc: "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will " +
				"result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
			Group: GroupErrors, OrderInGroup: 3, Width: connect.WidthShort, DisplayName: "Error Tolerance"}).
		Define(connect.ConfigKey{Name: ErrorsLogEnable, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Doc: "If true, write each error and the details of the failed operation and problematic record to the Connect application log. " +
				"This is 'false' by default, so that only errors that are not tolerated are reported.",
			Group: GroupErrors, OrderInGroup: 4, Width: connect.WidthShort, DisplayName: "Log Errors"}).
		Define(connect.ConfigKey{Name: ErrorsLogIncludeMsgs, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Doc: "Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, " +
				"offset, and timestamp will be logged. For source records, the key and value (and their schemas), all headers, and the " +
				"timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. This is 'false' by default, " +
				"which will prevent record keys, values, and headers from being written to log files.",
			Group: GroupErrors, OrderInGroup: 5, Width: connect.WidthShort, DisplayName: "Log Error Details"})
}

// SinkDef returns the keys every sink connector accepts: ConnectorDef plus Kafka's
// SinkConnectorConfig keys.
func SinkDef() *connect.ConfigDef {
	return ConnectorDef().
		Define(connect.ConfigKey{Name: Topics, Type: connect.ConfigList, Default: []string{}, Importance: connect.High,
			Doc: "List of topics to consume, separated by commas", Group: GroupCommon, OrderInGroup: 4, Width: connect.WidthLong, DisplayName: "Topics"}).
		Define(connect.ConfigKey{Name: TopicsRegex, Type: connect.ConfigString, Default: "", Validator: connect.ValidRegex(), Importance: connect.High,
			Doc: "Regular expression giving topics to consume. Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. " +
				"Only one of topics or topics.regex should be specified.",
			Group: GroupCommon, OrderInGroup: 4, Width: connect.WidthLong, DisplayName: "Topics regex"}).
		Define(connect.ConfigKey{Name: DLQTopicName, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Doc: "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by " +
				"this sink connector, or its transformations or converters. The topic name is blank by default, which means that no " +
				"messages are to be recorded in the DLQ.",
			Group: GroupErrors, OrderInGroup: 6, Width: connect.WidthMedium, DisplayName: "Dead Letter Queue Topic Name"}).
		Define(connect.ConfigKey{Name: DLQTopicReplicationFactor, Type: connect.ConfigShort, Default: 3, Importance: connect.Medium,
			Doc:   "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
			Group: GroupErrors, OrderInGroup: 7, Width: connect.WidthMedium, DisplayName: "Dead Letter Queue Topic Replication Factor"}).
		Define(connect.ConfigKey{Name: DLQContextHeadersEnable, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Doc: "If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with " +
				"headers from the original record, all error context header keys, all error context header keys will start with <code>__connect.errors.</code>",
			Group: GroupErrors, OrderInGroup: 8, Width: connect.WidthMedium, DisplayName: "Enable Error Context Headers"})
}

// SourceDef returns the keys every source connector accepts: ConnectorDef plus Kafka's
// SourceConnectorConfig keys.
func SourceDef() *connect.ConfigDef {
	return ConnectorDef().
		Define(connect.ConfigKey{Name: TopicCreationGroups, Type: connect.ConfigList, Default: []string{}, Validator: aliasValidator("topic creation group"),
			Importance: connect.Low, Doc: "Groups of configurations for topics created by source connectors", Group: GroupTopicCreation, OrderInGroup: 1,
			Width: connect.WidthLong, DisplayName: "Topic Creation Groups"}).
		Define(connect.ConfigKey{Name: ExactlyOnceSupport, Type: connect.ConfigString, Default: "requested", Validator: connect.ValidStringIgnoreCase("requested", "required"),
			Importance: connect.Medium,
			Doc: "Permitted values are requested, required. If set to \"required\", forces a preflight check for the connector to ensure " +
				"that it can provide exactly-once semantics with the given configuration. Some connectors may be capable of providing " +
				"exactly-once semantics but not signal to Connect that they support this; in that case, documentation for the connector " +
				"should be consulted carefully before creating it, and the value for this property should be set to \"requested\". " +
				"Additionally, if the value is set to \"required\" but the worker that performs preflight validation does not have " +
				"exactly-once support enabled for source connectors, requests to create or validate the connector will fail.",
			Group: GroupExactlyOnce, OrderInGroup: 2, Width: connect.WidthShort, DisplayName: "Exactly once support"}).
		Define(connect.ConfigKey{Name: TransactionBoundary, Type: connect.ConfigString, Default: "poll", Validator: connect.ValidStringIgnoreCase("poll", "interval", "connector"),
			Importance: connect.Medium,
			Doc: "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and " +
				"committed for every batch of records that each task from this connector provides to Connect. If set to 'connector', " +
				"relies on connector-defined transaction boundaries; note that not all connectors are capable of defining their own " +
				"transaction boundaries, and in that case, attempts to instantiate a connector with this value will fail. Finally, if " +
				"set to 'interval', commits transactions only after a user-defined time interval has passed.",
			Group: GroupExactlyOnce, OrderInGroup: 3, Width: connect.WidthShort, DisplayName: "Transaction Boundary"}).
		Define(connect.ConfigKey{Name: TransactionBoundaryIntervalMs, Type: connect.ConfigLong, Validator: nullOr(connect.AtLeast(0)), Importance: connect.Low,
			Doc: "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector " +
				"tasks. If unset, defaults to the value of the worker-level 'offset.flush.interval.ms' property. It has no effect if a " +
				"different transaction.boundary is specified.",
			Group: GroupExactlyOnce, OrderInGroup: 4, Width: connect.WidthShort, DisplayName: "Transaction boundary interval"}).
		Define(connect.ConfigKey{Name: OffsetsStorageTopic, Type: connect.ConfigString, Validator: connect.NonEmptyString(), Importance: connect.Low,
			Doc: "The name of a separate offsets topic to use for this connector. If empty or not specified, the worker’s global offsets " +
				"topic name will be used. If specified, the offsets topic will be created if it does not already exist on the Kafka " +
				"cluster targeted by this connector (which may be different from the one used for the worker's global offsets topic if " +
				"the bootstrap.servers property of the connector's producer has been overridden from the worker's). Only applicable " +
				"in distributed mode; in standalone mode, setting this property will have no effect.",
			Group: GroupOffsetsTopic, OrderInGroup: 5, Width: connect.WidthLong, DisplayName: "Offsets topic"})
}

// FrameworkDef returns SinkDef or SourceDef for a plugin type.
func FrameworkDef(t connect.PluginType) *connect.ConfigDef {
	if t == connect.PluginSource {
		return SourceDef()
	}
	return SinkDef()
}
