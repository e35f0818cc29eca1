package postgrescdc

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = "0.1.0"

// Class is the class name users put in connector.class, as Debezium's.
const Class = "io.debezium.connector.postgresql.PostgresConnector"

// Configuration keys, as Debezium's PostgreSQL connector names them.
const (
	HostnameConfig              = "database.hostname"
	PortConfig                  = "database.port"
	UserConfig                  = "database.user"
	PasswordConfig              = "database.password"
	DBNameConfig                = "database.dbname"
	SSLModeConfig               = "database.sslmode"
	TopicPrefixConfig           = "topic.prefix"
	PluginNameConfig            = "plugin.name"
	SlotNameConfig              = "slot.name"
	SlotDropOnStopConfig        = "slot.drop.on.stop"
	PublicationNameConfig       = "publication.name"
	PublicationAutocreateConfig = "publication.autocreate.mode"
	SchemaIncludeConfig         = "schema.include.list"
	SchemaExcludeConfig         = "schema.exclude.list"
	TableIncludeConfig          = "table.include.list"
	TableExcludeConfig          = "table.exclude.list"
	ColumnIncludeConfig         = "column.include.list"
	ColumnExcludeConfig         = "column.exclude.list"
	SnapshotModeConfig          = "snapshot.mode"
	SnapshotFetchSizeConfig     = "snapshot.fetch.size"
	TombstonesOnDeleteConfig    = "tombstones.on.delete"
	DecimalHandlingConfig       = "decimal.handling.mode"
	TimePrecisionConfig         = "time.precision.mode"
	BinaryHandlingConfig        = "binary.handling.mode"
	IntervalHandlingConfig      = "interval.handling.mode"
	HstoreHandlingConfig        = "hstore.handling.mode"
	HeartbeatIntervalConfig     = "heartbeat.interval.ms"
	HeartbeatTopicsPrefixConfig = "topic.heartbeat.prefix"
	TransactionTopicConfig      = "topic.transaction"
	SkippedOperationsConfig     = "skipped.operations"
	MessagePrefixIncludeConfig  = "message.prefix.include.list"
	MessagePrefixExcludeConfig  = "message.prefix.exclude.list"
	TransactionMetadataConfig   = "provide.transaction.metadata"
	MaxBatchSizeConfig          = "max.batch.size"
	UnavailablePlaceholderCfg   = "unavailable.value.placeholder"
	SlotLagWarnConfig           = "slot.lag.warn.bytes"
	// snapshotEpochConfig is set by the connector in task configurations: with
	// snapshot.mode=always a new epoch asks the task for a new snapshot.
	snapshotEpochConfig = "snapshot.epoch"
)

// Values of the enumerated keys.
const (
	SnapshotInitial     = "initial"
	SnapshotAlways      = "always"
	SnapshotNoData      = "no_data"
	SnapshotNever       = "never" // Debezium's older name of no_data
	SnapshotInitialOnly = "initial_only"
	SnapshotWhenNeeded  = "when_needed"

	AutocreateAllTables = "all_tables"
	AutocreateFiltered  = "filtered"
	AutocreateDisabled  = "disabled"

	DecimalPrecise = "precise"
	DecimalDouble  = "double"
	DecimalString  = "string"

	TimeAdaptive             = "adaptive"
	TimeAdaptiveMicroseconds = "adaptive_time_microseconds"
	TimeConnect              = "connect"

	HstoreJSON = "json"
	HstoreMap  = "map"

	IntervalNumeric = "numeric"
	IntervalString  = "string"

	BinaryBytes         = "bytes"
	BinaryBase64        = "base64"
	BinaryBase64URLSafe = "base64-url-safe"
	BinaryHex           = "hex"
)

// ErrConfig is wrapped by configuration errors beyond what the ConfigDef checks.
var ErrConfig = errors.New("invalid postgres cdc configuration")

// Plugin describes the connector for the registry.
var Plugin = connect.Plugin{
	Class:   Class,
	Aliases: []string{"PostgresCdcSource"},
	Type:    connect.PluginSource,
	Version: Version,
	New:     func() connect.Connector { return &Connector{} },
}

// ConfigDef describes the connector's keys.
func ConfigDef() *connect.ConfigDef {
	const conn, filt, snap, data, run = "Connection", "Filters", "Snapshot", "Data", "Streaming"
	d := connect.NewConfigDef()
	def := func(k connect.ConfigKey) { d.Define(k) }
	def(connect.ConfigKey{Name: HostnameConfig, Required: true, Importance: connect.High, Group: conn, OrderInGroup: 1,
		Validator: connect.NonEmptyString(), Doc: "Host name or address of the PostgreSQL server. No default. Mirrors Debezium's database.hostname."})
	def(connect.ConfigKey{Name: PortConfig, Type: connect.ConfigInt, Default: 5432, Importance: connect.High, Group: conn, OrderInGroup: 2,
		Validator: connect.Range[int32](1, 65535), Doc: "Port of the PostgreSQL server. Default 5432. Mirrors Debezium's database.port."})
	def(connect.ConfigKey{Name: UserConfig, Required: true, Importance: connect.High, Group: conn, OrderInGroup: 3,
		Validator: connect.NonEmptyString(), Doc: "User with the REPLICATION attribute (and SELECT on the captured tables; CREATE on the database to create the publication). No default. Mirrors Debezium's database.user."})
	def(connect.ConfigKey{Name: PasswordConfig, Type: connect.ConfigPassword, Importance: connect.High, Group: conn, OrderInGroup: 4,
		Doc: "Password of database.user; may name a config provider (${provider:path:key}). Default null. Mirrors Debezium's database.password."})
	def(connect.ConfigKey{Name: DBNameConfig, Required: true, Importance: connect.High, Group: conn, OrderInGroup: 5,
		Validator: connect.NonEmptyString(), Doc: "Database to capture. No default. Mirrors Debezium's database.dbname."})
	def(connect.ConfigKey{Name: SSLModeConfig, Default: "prefer", Importance: connect.Medium, Group: conn, OrderInGroup: 6,
		Validator: connect.ValidString("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
		Doc:       "TLS use, as libpq's sslmode. Default prefer. Mirrors Debezium's database.sslmode."})
	def(connect.ConfigKey{Name: TopicPrefixConfig, Required: true, Importance: connect.High, Group: conn, OrderInGroup: 7,
		Validator: topicPrefixValidator(), Doc: "Logical name of the server: the prefix of every topic (<prefix>.<schema>.<table>), the " +
			"namespace of the schemas and the source partition {\"server\": <prefix>}. No default. Mirrors Debezium's topic.prefix."})
	def(connect.ConfigKey{Name: PluginNameConfig, Default: "pgoutput", Importance: connect.Medium, Group: conn, OrderInGroup: 8,
		Validator: connect.ValidString("pgoutput"),
		Doc: "Logical decoding plugin. Only pgoutput, built into PostgreSQL 10 and later, is implemented; decoderbufs is refused. " +
			"Default pgoutput (Debezium's default is decoderbufs). Mirrors Debezium's plugin.name."})
	def(connect.ConfigKey{Name: SlotNameConfig, Default: "debezium", Importance: connect.Medium, Group: conn, OrderInGroup: 9,
		Validator: connect.ValidatorFunc(validSlotName, "lower-case letters, digits and underscores"),
		Doc:       "Replication slot the connector creates (if missing) and reads. Default debezium. Mirrors Debezium's slot.name."})
	def(connect.ConfigKey{Name: SlotDropOnStopConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: conn, OrderInGroup: 10,
		Validator: connect.ValidatorFunc(func(_ string, v any) error {
			if b, _ := v.(bool); b {
				return fmt.Errorf("true is not supported: tasks stop at the end of every invocation, and dropping the slot then would lose " +
					"the changes until the next one; drop the slot with pg_drop_replication_slot once the connector is deleted")
			}
			return nil
		}, "false"),
		Doc: "Drop the slot when the task stops. Only false is accepted: a task stops at the end of every invocation. Default false. Mirrors Debezium's slot.drop.on.stop."})
	def(connect.ConfigKey{Name: PublicationNameConfig, Default: "dbz_publication", Importance: connect.Medium, Group: conn, OrderInGroup: 11,
		Validator: connect.NonEmptyString(), Doc: "Publication pgoutput streams. Default dbz_publication. Mirrors Debezium's publication.name."})
	def(connect.ConfigKey{Name: PublicationAutocreateConfig, Default: AutocreateAllTables, Importance: connect.Medium, Group: conn, OrderInGroup: 12,
		Validator: connect.ValidString(AutocreateAllTables, AutocreateFiltered, AutocreateDisabled),
		Doc: "Creating the publication when missing: all_tables (FOR ALL TABLES, needs a superuser), filtered (FOR the tables the " +
			"include/exclude lists select), disabled (it must exist). Default all_tables. Mirrors Debezium's publication.autocreate.mode."})
	def(connect.ConfigKey{Name: SchemaIncludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Group: filt, OrderInGroup: 1,
		Validator: regexList(), Doc: "Regular expressions matched against whole schema names: only tables of matching schemas are captured " +
			"(the table lists apply as well). Exclusive with schema.exclude.list. Default empty (every non-system schema). Mirrors Debezium's schema.include.list."})
	def(connect.ConfigKey{Name: SchemaExcludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Group: filt, OrderInGroup: 2,
		Validator: regexList(), Doc: "Regular expressions matched against whole schema names: tables of matching schemas are not captured. " +
			"Default empty. Mirrors Debezium's schema.exclude.list."})
	def(connect.ConfigKey{Name: TableIncludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Group: filt, OrderInGroup: 3,
		Validator: regexList(), Doc: "Regular expressions matched against whole schema.table names: only matching tables are captured. " +
			"Exclusive with table.exclude.list. Default empty (every non-system table). Mirrors Debezium's table.include.list."})
	def(connect.ConfigKey{Name: TableExcludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Group: filt, OrderInGroup: 4,
		Validator: regexList(), Doc: "Regular expressions matched against whole schema.table names: matching tables are not captured. " +
			"Default empty. Mirrors Debezium's table.exclude.list."})
	def(connect.ConfigKey{Name: ColumnIncludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Group: filt, OrderInGroup: 5,
		Validator: regexList(), Doc: "Regular expressions matched against whole schema.table.column names: only matching columns appear in " +
			"before and after (key columns always stay in the key). Exclusive with column.exclude.list. Default empty. Mirrors Debezium's column.include.list."})
	def(connect.ConfigKey{Name: ColumnExcludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium, Group: filt, OrderInGroup: 6,
		Validator: regexList(), Doc: "Regular expressions matched against whole schema.table.column names: matching columns are left out " +
			"of before and after. Default empty. Mirrors Debezium's column.exclude.list."})
	def(connect.ConfigKey{Name: SkippedOperationsConfig, Type: connect.ConfigList, Default: []string{"t"}, Importance: connect.Low, Group: filt, OrderInGroup: 7,
		Validator: connect.ValidList("c", "u", "d", "t", "none"),
		Doc:       "Operations not emitted: c (inserts), u (updates), d (deletes), t (truncates), or none. Default t. Mirrors Debezium's skipped.operations."})
	def(connect.ConfigKey{Name: MessagePrefixIncludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Low, Group: filt, OrderInGroup: 8,
		Validator: regexList(), Doc: "Regular expressions matched against whole prefixes of logical decoding messages (pg_logical_emit_message): " +
			"only matching messages become op m events. Exclusive with message.prefix.exclude.list. Default empty (every message). " +
			"Mirrors Debezium's message.prefix.include.list."})
	def(connect.ConfigKey{Name: MessagePrefixExcludeConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Low, Group: filt, OrderInGroup: 9,
		Validator: regexList(), Doc: "Regular expressions matched against whole prefixes of logical decoding messages: matching messages are " +
			"not emitted. Default empty. Mirrors Debezium's message.prefix.exclude.list."})
	def(connect.ConfigKey{Name: SnapshotModeConfig, Default: SnapshotInitial, Importance: connect.Medium, Group: snap, OrderInGroup: 1,
		Validator: connect.ValidString(SnapshotInitial, SnapshotAlways, SnapshotNoData, SnapshotNever, SnapshotInitialOnly, SnapshotWhenNeeded),
		Doc: "When to read the tables' existing rows (op r): initial (once, when no offset is stored), always (again each time the " +
			"connector is started: created, updated or restarted), no_data (never; stream only; never is the older name), initial_only " +
			"(snapshot, then stop streaming), when_needed (when no offset is stored or the stored position is no longer in the slot). " +
			"Default initial. Mirrors Debezium's snapshot.mode."})
	def(connect.ConfigKey{Name: SnapshotFetchSizeConfig, Type: connect.ConfigInt, Default: 10240, Importance: connect.Low, Group: snap, OrderInGroup: 2,
		Validator: connect.AtLeast[int32](1), Doc: "Rows read per query (one chunk, by primary key) while snapshotting. Default 10240. Mirrors Debezium's snapshot.fetch.size."})
	def(connect.ConfigKey{Name: DecimalHandlingConfig, Default: DecimalPrecise, Importance: connect.Medium, Group: data, OrderInGroup: 1,
		Validator: connect.ValidString(DecimalPrecise, DecimalDouble, DecimalString),
		Doc: "NUMERIC/DECIMAL as precise (org.apache.kafka.connect.data.Decimal; unconstrained NUMERIC as io.debezium.data.VariableScaleDecimal), " +
			"double, or string. Default precise. Mirrors Debezium's decimal.handling.mode."})
	def(connect.ConfigKey{Name: TimePrecisionConfig, Default: TimeAdaptive, Importance: connect.Medium, Group: data, OrderInGroup: 2,
		Validator: connect.ValidString(TimeAdaptive, TimeAdaptiveMicroseconds, TimeConnect),
		Doc: "Temporal types as adaptive (io.debezium.time.* by column precision), adaptive_time_microseconds (TIME always as " +
			"io.debezium.time.MicroTime) or connect (Kafka Connect's Date, Time, Timestamp; milliseconds). Default adaptive. Mirrors Debezium's time.precision.mode."})
	def(connect.ConfigKey{Name: BinaryHandlingConfig, Default: BinaryBytes, Importance: connect.Low, Group: data, OrderInGroup: 3,
		Validator: connect.ValidString(BinaryBytes, BinaryBase64, BinaryBase64URLSafe, BinaryHex),
		Doc:       "BYTEA as bytes, or as a base64, base64-url-safe or hex string. Default bytes. Mirrors Debezium's binary.handling.mode."})
	def(connect.ConfigKey{Name: IntervalHandlingConfig, Default: IntervalNumeric, Importance: connect.Low, Group: data, OrderInGroup: 4,
		Validator: connect.ValidString(IntervalNumeric, IntervalString),
		Doc: "INTERVAL as numeric (io.debezium.time.MicroDuration: approximate microseconds, a month as 365.25/12 days) or string " +
			"(io.debezium.time.Interval: exact, as P<years>Y<months>M<days>DT<hours>H<minutes>M<seconds>S). Default numeric. Mirrors Debezium's interval.handling.mode."})
	def(connect.ConfigKey{Name: HstoreHandlingConfig, Default: HstoreJSON, Importance: connect.Low, Group: data, OrderInGroup: 5,
		Validator: connect.ValidString(HstoreJSON, HstoreMap),
		Doc: "HSTORE (extension) as json (io.debezium.data.Json: a JSON object of string or null values) or map (a Connect MAP of " +
			"strings). Default json. Mirrors Debezium's hstore.handling.mode."})
	def(connect.ConfigKey{Name: TombstonesOnDeleteConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Medium, Group: data, OrderInGroup: 6,
		Doc: "Follow each delete event with a tombstone (same key, null value) so that log compaction can drop the key. Default true. Mirrors Debezium's tombstones.on.delete."})
	def(connect.ConfigKey{Name: UnavailablePlaceholderCfg, Default: "__debezium_unavailable_value", Importance: connect.Low, Group: data, OrderInGroup: 7,
		Doc: "Value put in place of an unchanged TOASTed column that the log does not carry (REPLICA IDENTITY DEFAULT). Default __debezium_unavailable_value. Mirrors Debezium's unavailable.value.placeholder."})
	def(connect.ConfigKey{Name: TransactionMetadataConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: data, OrderInGroup: 8,
		Doc: "Emit BEGIN and END records to <prefix>.transaction and fill each event's transaction block. Default false. Mirrors Debezium's provide.transaction.metadata."})
	def(connect.ConfigKey{Name: TransactionTopicConfig, Default: "transaction", Importance: connect.Low, Group: data, OrderInGroup: 9,
		Validator: connect.NonEmptyString(), Doc: "Suffix of the transaction metadata topic (<prefix>.<suffix>). Default transaction. Mirrors Debezium's topic.transaction."})
	def(connect.ConfigKey{Name: MaxBatchSizeConfig, Type: connect.ConfigInt, Default: 2048, Importance: connect.Medium, Group: run, OrderInGroup: 1,
		Validator: connect.AtLeast[int32](1), Doc: "Most records one poll returns. Default 2048. Mirrors Debezium's max.batch.size."})
	def(connect.ConfigKey{Name: HeartbeatIntervalConfig, Type: connect.ConfigInt, Default: 0, Importance: connect.Medium, Group: run, OrderInGroup: 2,
		Validator: connect.AtLeast[int32](0), Doc: "Milliseconds between heartbeat records (to <topic.heartbeat.prefix>.<prefix>), emitted whether " +
			"or not anything changed; they carry the position, so the slot advances past changes of tables not captured. The time of the " +
			"last one is kept in the offsets (heartbeat_ts_ms), so a slice emits one once the interval has passed since the previous " +
			"slice's; an interval shorter than a slice's idle detection (about a second) keeps each slice running to its deadline. " +
			"0 disables them. Default 0. Mirrors Debezium's heartbeat.interval.ms."})
	def(connect.ConfigKey{Name: HeartbeatTopicsPrefixConfig, Default: "__debezium-heartbeat", Importance: connect.Low, Group: run, OrderInGroup: 3,
		Validator: connect.NonEmptyString(), Doc: "Prefix of the heartbeat topic. Default __debezium-heartbeat. Mirrors Debezium's topic.heartbeat.prefix."})
	def(connect.ConfigKey{Name: SlotLagWarnConfig, Type: connect.ConfigLong, Default: int64(1 << 30), Importance: connect.Low, Group: run, OrderInGroup: 4,
		Validator: connect.AtLeast[int64](0), Doc: "WAL bytes the slot may retain beyond its confirmed position before the task logs a warning " +
			"at each slice and notes it in the task's status (the lag itself is the task gauge slot_lag_bytes); 0 disables the warning. Default 1073741824 (1 GiB). A connectless key (no Debezium equivalent)."})
	def(connect.ConfigKey{Name: snapshotEpochConfig, Default: "", Internal: true,
		Doc: "Set by the connector in task configurations: a new value asks for a new snapshot under snapshot.mode=always."})
	return d
}

// unsupported lists Debezium PostgreSQL keys this connector does not implement: setting one is
// a validation error rather than a silently ignored key.
var unsupported = []string{
	"snapshot.select.statement.overrides", "snapshot.include.collection.list", "snapshot.lock.timeout.ms", "snapshot.delay.ms",
	"snapshot.max.threads", "snapshot.isolation.mode", "snapshot.locking.mode", "snapshot.query.mode", "snapshot.mode.class",
	"message.key.columns", "include.unknown.datatypes",
	"converters",
	"signal.data.collection", "signal.enabled.channels", "incremental.snapshot.chunk.size", "event.processing.failure.handling.mode",
	"heartbeat.action.query", "datatype.propagate.source.type", "column.propagate.source.type", "column.truncate.to",
	"column.mask.with", "column.mask.hash", "field.name.adjustment.mode", "schema.name.adjustment.mode", "topic.naming.strategy",
	"topic.delimiter", "slot.stream.params", "slot.max.retries", "slot.retry.delay.ms", "slot.failover", "publish.via.partition.root",
	"replica.identity.autoset.values", "money.fraction.digits", "flush.lsn.source", "status.update.interval.ms",
	"xmin.fetch.interval.ms", "provide.transaction.metadata.topic", "database.initial.statements", "database.tcpKeepAlive",
	"database.sslcert", "database.sslkey", "database.sslpassword", "database.sslrootcert", "database.sslfactory",
	"database.query.timeout.ms", "max.queue.size", "max.queue.size.in.bytes", "poll.interval.ms", "tombstones.on.delete.mode",
	"lsn.flush.timeout.ms", "lsn.flush.timeout.action", "read.only", "retriable.restart.connector.wait.ms", "skip.messages.without.change",
	"notification.enabled.channels", "custom.metric.tags", "errors.max.retries", "database.history", "table.ignore.builtin",
}

// unsupportedKeys returns the keys of props that Debezium defines and this connector does not
// implement, sorted.
func unsupportedKeys(props map[string]string) []string {
	var out []string
	for k := range props {
		if slices.Contains(unsupported, k) || strings.HasPrefix(k, "column.mask.with.") || strings.HasPrefix(k, "column.truncate.to.") ||
			strings.HasPrefix(k, "snapshot.select.statement.overrides.") || strings.HasPrefix(k, "converters.") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func unsupportedMessage(key string) string {
	return fmt.Sprintf("%s is a Debezium PostgreSQL connector key that this connector does not implement; remove it", key)
}

func validSlotName(name string, v any) error {
	s, _ := v.(string)
	if !regexp.MustCompile(`^[a-z0-9_]{1,63}$`).MatchString(s) {
		return fmt.Errorf("slot names hold lower-case letters, digits and underscores only (at most 63)")
	}
	return nil
}

func topicPrefixValidator() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		s, _ := v.(string)
		if !regexp.MustCompile(`^[A-Za-z0-9._-]+$`).MatchString(s) {
			return fmt.Errorf("a topic prefix holds letters, digits, '.', '_' and '-' only")
		}
		return nil
	}, "non-empty string of letters, digits, '.', '_' and '-'")
}

func regexList() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		l, _ := v.([]string)
		for _, p := range l {
			if _, err := regexp.Compile(p); err != nil {
				return fmt.Errorf("%q is not a valid regular expression: %v", p, err)
			}
		}
		return nil
	}, "comma-separated regular expressions")
}

// config is a parsed configuration.
type config struct {
	host, user, password, dbname, sslmode string
	port                                  int32
	prefix                                string
	slot, publication, autocreate         string
	slotDropOnStop                        bool
	schemaInclude, schemaExclude          []*regexp.Regexp
	tableInclude, tableExclude            []*regexp.Regexp
	colInclude, colExclude                []*regexp.Regexp
	msgInclude, msgExclude                []*regexp.Regexp
	skipped                               map[string]bool
	snapshotMode                          string
	fetchSize                             int
	decimal, timePrecision, binary        string
	interval, hstore                      string
	tombstones                            bool
	placeholder                           string
	txMetadata                            bool
	txTopic                               string
	maxBatch                              int
	heartbeatMs                           int
	heartbeatTopic                        string
	lagWarn                               int64
	epoch                                 string
}

// parseConfig parses and cross-checks a configuration; errors name the key concerned.
func parseConfig(props map[string]string) (config, error) {
	if bad := unsupportedKeys(props); len(bad) > 0 {
		return config{}, fmt.Errorf("%w: %s", ErrConfig, unsupportedMessage(bad[0]))
	}
	v, err := ConfigDef().Parse(props)
	if err != nil {
		return config{}, fmt.Errorf("postgres cdc: %w", err)
	}
	c := config{
		host: v.String(HostnameConfig), port: v.Int(PortConfig), user: v.String(UserConfig), password: v.Password(PasswordConfig).Value(),
		dbname: v.String(DBNameConfig), sslmode: v.String(SSLModeConfig), prefix: v.String(TopicPrefixConfig),
		slot: v.String(SlotNameConfig), slotDropOnStop: v.Bool(SlotDropOnStopConfig), publication: v.String(PublicationNameConfig),
		autocreate: v.String(PublicationAutocreateConfig), snapshotMode: v.String(SnapshotModeConfig), fetchSize: int(v.Int(SnapshotFetchSizeConfig)),
		decimal: v.String(DecimalHandlingConfig), timePrecision: v.String(TimePrecisionConfig), binary: v.String(BinaryHandlingConfig),
		interval: v.String(IntervalHandlingConfig), hstore: v.String(HstoreHandlingConfig),
		tombstones: v.Bool(TombstonesOnDeleteConfig), placeholder: v.String(UnavailablePlaceholderCfg),
		txMetadata: v.Bool(TransactionMetadataConfig), maxBatch: int(v.Int(MaxBatchSizeConfig)), heartbeatMs: int(v.Int(HeartbeatIntervalConfig)),
		lagWarn: v.Long(SlotLagWarnConfig), skipped: map[string]bool{}, epoch: v.String(snapshotEpochConfig),
	}
	if c.snapshotMode == SnapshotNever {
		c.snapshotMode = SnapshotNoData
	}
	c.txTopic = c.prefix + "." + v.String(TransactionTopicConfig)
	c.heartbeatTopic = v.String(HeartbeatTopicsPrefixConfig) + "." + c.prefix
	for _, op := range v.List(SkippedOperationsConfig) {
		if op != "none" {
			c.skipped[op] = true
		}
	}
	compile := func(l []string) []*regexp.Regexp {
		var out []*regexp.Regexp
		for _, p := range l {
			out = append(out, regexp.MustCompile("^(?:"+p+")$"))
		}
		return out
	}
	c.schemaInclude, c.schemaExclude = compile(v.List(SchemaIncludeConfig)), compile(v.List(SchemaExcludeConfig))
	if len(c.schemaInclude) > 0 && len(c.schemaExclude) > 0 {
		return c, &keyError{SchemaExcludeConfig, "schema.include.list and schema.exclude.list are mutually exclusive"}
	}
	c.tableInclude, c.tableExclude = compile(v.List(TableIncludeConfig)), compile(v.List(TableExcludeConfig))
	c.colInclude, c.colExclude = compile(v.List(ColumnIncludeConfig)), compile(v.List(ColumnExcludeConfig))
	if len(c.tableInclude) > 0 && len(c.tableExclude) > 0 {
		return c, &keyError{TableExcludeConfig, "table.include.list and table.exclude.list are mutually exclusive"}
	}
	if len(c.colInclude) > 0 && len(c.colExclude) > 0 {
		return c, &keyError{ColumnExcludeConfig, "column.include.list and column.exclude.list are mutually exclusive"}
	}
	c.msgInclude, c.msgExclude = compile(v.List(MessagePrefixIncludeConfig)), compile(v.List(MessagePrefixExcludeConfig))
	if len(c.msgInclude) > 0 && len(c.msgExclude) > 0 {
		return c, &keyError{MessagePrefixExcludeConfig, "message.prefix.include.list and message.prefix.exclude.list are mutually exclusive"}
	}
	return c, nil
}

// keyError is a configuration error about one key.
type keyError struct {
	key string
	msg string
}

func (e *keyError) Error() string { return fmt.Sprintf("%s: %s", e.key, e.msg) }
func (e *keyError) Unwrap() error { return ErrConfig }

// tableWanted applies the schema and table filters to a table.
func (c *config) tableWanted(schema, table string) bool {
	return wanted(c.schemaInclude, c.schemaExclude, schema) && wanted(c.tableInclude, c.tableExclude, schema+"."+table)
}

// wanted applies an include list (when set) or an exclude list to a name.
func wanted(include, exclude []*regexp.Regexp, name string) bool {
	match := func(rs []*regexp.Regexp) bool {
		return slices.ContainsFunc(rs, func(r *regexp.Regexp) bool { return r.MatchString(name) })
	}
	if len(include) > 0 {
		return match(include)
	}
	return !match(exclude)
}

// messageWanted applies the message prefix filters.
func (c *config) messageWanted(prefix string) bool { return wanted(c.msgInclude, c.msgExclude, prefix) }

// columnWanted applies the column filters to a schema.table.column name.
func (c *config) columnWanted(schema, table, column string) bool {
	return wanted(c.colInclude, c.colExclude, schema+"."+table+"."+column)
}

// connString is the pgx connection string; replication adds replication=database.
func (c *config) connString(replication bool) string {
	s := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=%s", quoteDSN(c.host), c.port, quoteDSN(c.user), quoteDSN(c.dbname), c.sslmode)
	if c.password != "" {
		s += " password=" + quoteDSN(c.password)
	}
	if replication {
		s += " replication=database"
	}
	return s
}

func quoteDSN(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
