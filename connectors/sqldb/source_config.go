package sqldb

import (
	"errors"
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connectors' version string.
const Version = "0.1.0"

// Class names users put in connector.class, as Confluent's JDBC connectors.
const (
	SourceClass = "io.confluent.connect.jdbc.JdbcSourceConnector"
	SinkClass   = "io.confluent.connect.jdbc.JdbcSinkConnector"
)

// Connection keys, shared by source and sink.
const (
	ConnectionURLConfig      = "connection.url"
	ConnectionUserConfig     = "connection.user"
	ConnectionPasswordConfig = "connection.password"
)

// Source keys, as Confluent's JdbcSourceConnectorConfig names them.
const (
	ModeConfig                = "mode"
	IncrementingColumnConfig  = "incrementing.column.name"
	TimestampColumnConfig     = "timestamp.column.name"
	ValidateNonNullConfig     = "validate.non.null"
	TimestampDelayConfig      = "timestamp.delay.interval.ms"
	TableWhitelistConfig      = "table.whitelist"
	TableIncludeListConfig    = "table.include.list"
	TableBlacklistConfig      = "table.blacklist"
	TableExcludeListConfig    = "table.exclude.list"
	TableTypesConfig          = "table.types"
	QueryConfig               = "query"
	TopicPrefixConfig         = "topic.prefix"
	PollIntervalConfig        = "poll.interval.ms"
	BatchMaxRowsConfig        = "batch.max.rows"
	NumericMappingConfig      = "numeric.mapping"
	TimestampInitialConfig    = "timestamp.initial"
	TablesConfig              = "tables" // task configs: the tables one task reads
	ModeBulk                  = "bulk"
	ModeIncrementing          = "incrementing"
	ModeTimestamp             = "timestamp"
	ModeTimestampIncrementing = "timestamp+incrementing"
)

// Source partition and offset fields, as Confluent's JDBC source writes them.
const (
	TablePartitionKey   = "table"
	QueryPartitionKey   = "query"
	QueryPartitionValue = "query"
	IncrementingField   = "incrementing"
	TimestampField      = "timestamp"
	TimestampNanosField = "timestamp_nanos"
)

// ErrConfig is wrapped by configuration errors beyond what the ConfigDef checks.
var ErrConfig = errors.New("invalid jdbc configuration")

// SourcePlugin describes the JDBC source for the connector registry.
var SourcePlugin = connect.Plugin{
	Class:   SourceClass,
	Type:    connect.PluginSource,
	Version: Version,
	New:     func() connect.Connector { return &SourceConnector{} },
}

func connectionKeys(d *connect.ConfigDef) *connect.ConfigDef {
	const g = "Database"
	return d.
		Define(connect.ConfigKey{Name: ConnectionURLConfig, Type: connect.ConfigString, Required: true, Importance: connect.High,
			Group: g, OrderInGroup: 1, Width: connect.WidthLong, DisplayName: "JDBC URL", Validator: connect.NonEmptyString(),
			Doc: "Database connection URL: postgres://host:port/db, jdbc:postgresql://host:port/db, jdbc:mysql://host:port/db, " +
				"jdbc:mariadb://host:port/db, or a MySQL DSN user:pass@tcp(host:port)/db. No default. Mirrors Confluent JDBC's connection.url."}).
		Define(connect.ConfigKey{Name: ConnectionUserConfig, Type: connect.ConfigString, Importance: connect.High,
			Group: g, OrderInGroup: 2, Width: connect.WidthLong, DisplayName: "JDBC User",
			Doc: "Database user; overrides a user given in the URL. Default null. Mirrors Confluent JDBC's connection.user."}).
		Define(connect.ConfigKey{Name: ConnectionPasswordConfig, Type: connect.ConfigPassword, Importance: connect.High,
			Group: g, OrderInGroup: 3, Width: connect.WidthShort, DisplayName: "JDBC Password",
			Doc: "Database password; overrides a password given in the URL. Default null. Mirrors Confluent JDBC's connection.password."})
}

// SourceConfigDef describes the JDBC source's keys.
func SourceConfigDef() *connect.ConfigDef {
	d := connectionKeys(connect.NewConfigDef())
	const db, mode, conn = "Database", "Mode", "Connector"
	modes := connect.ValidString(ModeBulk, ModeTimestamp, ModeIncrementing, ModeTimestampIncrementing)
	return d.
		Define(connect.ConfigKey{Name: TableWhitelistConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: db, OrderInGroup: 4, Width: connect.WidthLong, DisplayName: "Table Whitelist",
			Doc: "Tables to copy (names, or schema.name); empty means every table. Exclusive with table.blacklist. Default empty. Mirrors Confluent JDBC's table.whitelist."}).
		Define(connect.ConfigKey{Name: TableIncludeListConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: db, OrderInGroup: 5, Width: connect.WidthLong, DisplayName: "Table Include List",
			Doc: "Same as table.whitelist, under its newer name; the two lists are merged. Default empty. Mirrors Confluent JDBC's table.include.list."}).
		Define(connect.ConfigKey{Name: TableBlacklistConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: db, OrderInGroup: 6, Width: connect.WidthLong, DisplayName: "Table Blacklist",
			Doc: "Tables not to copy. Exclusive with table.whitelist. Default empty. Mirrors Confluent JDBC's table.blacklist."}).
		Define(connect.ConfigKey{Name: TableExcludeListConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: db, OrderInGroup: 7, Width: connect.WidthLong, DisplayName: "Table Exclude List",
			Doc: "Same as table.blacklist, under its newer name; the two lists are merged. Default empty. Mirrors Confluent JDBC's table.exclude.list."}).
		Define(connect.ConfigKey{Name: TableTypesConfig, Type: connect.ConfigList, Default: []string{"TABLE"}, Importance: connect.Low,
			Group: db, OrderInGroup: 8, Width: connect.WidthShort, DisplayName: "Table Types", Validator: connect.ValidList("TABLE", "VIEW"),
			Doc: "Kinds of relation to copy when listing tables: TABLE, VIEW. Default TABLE. Mirrors Confluent JDBC's table.types."}).
		Define(connect.ConfigKey{Name: NumericMappingConfig, Type: connect.ConfigString, Default: NumericNone, Importance: connect.Low,
			Group: db, OrderInGroup: 9, Width: connect.WidthShort, DisplayName: "Map Numeric Values By Precision and Scale",
			Validator: connect.ValidString(NumericNone, NumericPrecisionOnly, NumericBestFit, NumericBestFitEagerDouble),
			Doc: "How DECIMAL/NUMERIC columns map: none (Decimal logical type), precision_only (integers when the scale is 0), " +
				"best_fit (integers, or float64 when precision allows), best_fit_eager_double (float64 whenever the scale is positive). " +
				"A PostgreSQL NUMERIC without precision has no fixed scale and maps to a string. " +
				"Default none. Mirrors Confluent JDBC's numeric.mapping."}).
		Define(connect.ConfigKey{Name: ModeConfig, Type: connect.ConfigString, Required: true, Importance: connect.High,
			Group: mode, OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Table Loading Mode", Validator: modes,
			Dependents: []string{IncrementingColumnConfig, TimestampColumnConfig, ValidateNonNullConfig},
			Doc: "How new rows are found: bulk (the whole table each poll), incrementing (a strictly increasing column; new rows only), " +
				"timestamp (last-modified columns; new and updated rows), timestamp+incrementing (both, the safest). No default. Mirrors Confluent JDBC's mode."}).
		Define(connect.ConfigKey{Name: IncrementingColumnConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Group: mode, OrderInGroup: 2, Width: connect.WidthMedium, DisplayName: "Incrementing Column Name",
			Doc: "Strictly increasing, unique, non-null integer column, e.g. an auto-increment id; required by the incrementing modes. Default empty. Mirrors Confluent JDBC's incrementing.column.name."}).
		Define(connect.ConfigKey{Name: TimestampColumnConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: mode, OrderInGroup: 3, Width: connect.WidthMedium, DisplayName: "Timestamp Column Name",
			Doc: "Last-modified timestamp columns; with several, the first non-null one (COALESCE) counts. Required by the timestamp modes. Default empty. Mirrors Confluent JDBC's timestamp.column.name."}).
		Define(connect.ConfigKey{Name: TimestampInitialConfig, Type: connect.ConfigLong, Default: nil, Importance: connect.Low,
			Group: mode, OrderInGroup: 4, Width: connect.WidthMedium, DisplayName: "Unix time value of initial timestamp",
			Doc: "Epoch milliseconds to start timestamp modes from when no offset is stored; -1 means the database's current time. Default null (the epoch). Mirrors Confluent JDBC's timestamp.initial."}).
		Define(connect.ConfigKey{Name: ValidateNonNullConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low,
			Group: mode, OrderInGroup: 5, Width: connect.WidthShort, DisplayName: "Validate Non Null",
			Doc: "Refuse to start when the incrementing or timestamp columns of a table are nullable. Default true. Mirrors Confluent JDBC's validate.non.null."}).
		Define(connect.ConfigKey{Name: QueryConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Group: mode, OrderInGroup: 6, Width: connect.WidthShort, DisplayName: "Query",
			Doc: "Copy the result of this query instead of tables. In incrementing and timestamp modes it is wrapped as a subquery " +
				"(SELECT * FROM (query) q WHERE …), so it may hold its own WHERE clause. Default empty. Mirrors Confluent JDBC's query."}).
		Define(connect.ConfigKey{Name: PollIntervalConfig, Type: connect.ConfigInt, Default: 5000, Importance: connect.High,
			Group: conn, OrderInGroup: 1, Width: connect.WidthShort, DisplayName: "Poll Interval (ms)", Validator: connect.AtLeast[int32](1),
			Doc: "Milliseconds between polls of one table once it has no new rows. Default 5000. Mirrors Confluent JDBC's poll.interval.ms."}).
		Define(connect.ConfigKey{Name: BatchMaxRowsConfig, Type: connect.ConfigInt, Default: 100, Importance: connect.Low,
			Group: conn, OrderInGroup: 2, Width: connect.WidthShort, DisplayName: "Max Rows Per Batch", Validator: connect.AtLeast[int32](1),
			Doc: "Most rows returned by one poll. Default 100. Mirrors Confluent JDBC's batch.max.rows."}).
		Define(connect.ConfigKey{Name: TopicPrefixConfig, Type: connect.ConfigString, Required: true, Importance: connect.High,
			Group: conn, OrderInGroup: 4, Width: connect.WidthMedium, DisplayName: "Topic Prefix",
			Doc: "Prefix of the topic names: a table's rows go to topic.prefix + table name; with query, the prefix is the whole topic name. No default. Mirrors Confluent JDBC's topic.prefix."}).
		Define(connect.ConfigKey{Name: TimestampDelayConfig, Type: connect.ConfigLong, Default: int64(0), Importance: connect.High,
			Group: conn, OrderInGroup: 5, Width: connect.WidthMedium, DisplayName: "Delay Interval (ms)", Validator: connect.AtLeast[int64](0),
			Doc: "Milliseconds a row must age (by its timestamp, against the database's clock) before it is read, so that transactions " +
				"committing late with an earlier timestamp are not skipped. Default 0. Mirrors Confluent JDBC's timestamp.delay.interval.ms."}).
		Define(connect.ConfigKey{Name: TablesConfig, Type: connect.ConfigList, Default: []string{}, Internal: true,
			Doc: "Tables assigned to one task (task configurations only)."})
}

// sourceConfig is a parsed source configuration.
type sourceConfig struct {
	url, user, password string
	mode                string
	incColumn           string
	tsColumns           []string
	validateNonNull     bool
	delayMs             int64
	include, exclude    []string
	tableTypes          []string
	query               string
	topicPrefix         string
	pollMs              int32
	batchMaxRows        int32
	numeric             string
	tsInitial           *int64
	tables              []string
}

// parseSourceConfig parses and cross-checks a source configuration; errors are keyed by the
// config key they concern.
func parseSourceConfig(props map[string]string) (sourceConfig, error) {
	v, err := SourceConfigDef().Parse(props)
	if err != nil {
		return sourceConfig{}, fmt.Errorf("jdbc source: %w", err)
	}
	c := sourceConfig{
		url: v.String(ConnectionURLConfig), user: v.String(ConnectionUserConfig), password: v.Password(ConnectionPasswordConfig).Value(),
		mode: v.String(ModeConfig), incColumn: strings.TrimSpace(v.String(IncrementingColumnConfig)), tsColumns: v.List(TimestampColumnConfig),
		validateNonNull: v.Bool(ValidateNonNullConfig), delayMs: v.Long(TimestampDelayConfig),
		include:    append(v.List(TableWhitelistConfig), v.List(TableIncludeListConfig)...),
		exclude:    append(v.List(TableBlacklistConfig), v.List(TableExcludeListConfig)...),
		tableTypes: v.List(TableTypesConfig), query: strings.TrimSpace(v.String(QueryConfig)), topicPrefix: v.String(TopicPrefixConfig),
		pollMs: v.Int(PollIntervalConfig), batchMaxRows: v.Int(BatchMaxRowsConfig), numeric: v.String(NumericMappingConfig),
		tables: v.List(TablesConfig),
	}
	if v.Get(TimestampInitialConfig) != nil {
		n := v.Long(TimestampInitialConfig)
		c.tsInitial = &n
	}
	if errs := c.crossCheck(); len(errs) > 0 {
		return c, errs[0]
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

// addKeyErrors reports each cross-check error on the key it names.
func addKeyErrors(results *connect.ConfigInfos, errs []error) {
	for _, e := range errs {
		k := e.(*keyError)
		results.AddError(k.key, k.msg)
	}
}

// checkURL reports a connection.url that names no supported database (without connecting).
func checkURL(results *connect.ConfigInfos, url string) {
	if _, err := parseURL(url, "", ""); err != nil {
		results.AddError(ConnectionURLConfig, err.Error())
	}
}

// crossCheck applies the rules that involve several keys.
func (c sourceConfig) crossCheck() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &keyError{key: key, msg: fmt.Sprintf(format, args...)})
	}
	if (c.mode == ModeIncrementing || c.mode == ModeTimestampIncrementing) && c.incColumn == "" {
		bad(IncrementingColumnConfig, "mode %s needs an incrementing column", c.mode)
	}
	if (c.mode == ModeTimestamp || c.mode == ModeTimestampIncrementing) && len(c.tsColumns) == 0 {
		bad(TimestampColumnConfig, "mode %s needs at least one timestamp column", c.mode)
	}
	if len(c.include) > 0 && len(c.exclude) > 0 {
		bad(TableWhitelistConfig, "table.whitelist (table.include.list) and table.blacklist (table.exclude.list) are mutually exclusive")
	}
	if c.query != "" && (len(c.include) > 0 || len(c.exclude) > 0) {
		bad(QueryConfig, "query cannot be combined with a table whitelist or blacklist")
	}
	return errs
}
