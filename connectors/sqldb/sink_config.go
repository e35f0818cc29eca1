package sqldb

import (
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Sink keys, as Confluent's JdbcSinkConfig names them.
const (
	InsertModeConfig      = "insert.mode"
	BatchSizeConfig       = "batch.size"
	DeleteEnabledConfig   = "delete.enabled"
	TableNameFormatConfig = "table.name.format"
	PKModeConfig          = "pk.mode"
	PKFieldsConfig        = "pk.fields"
	FieldsWhitelistConfig = "fields.whitelist"
	AutoCreateConfig      = "auto.create"
	AutoEvolveConfig      = "auto.evolve"

	InsertModeInsert = "insert"
	InsertModeUpsert = "upsert"
	InsertModeUpdate = "update"

	PKModeNone        = "none"
	PKModeKafka       = "kafka"
	PKModeRecordKey   = "record_key"
	PKModeRecordValue = "record_value"
)

// Default primary key column names, as Confluent's JDBC sink uses them.
const (
	DefaultKafkaTopicPK     = "__connect_topic"
	DefaultKafkaPartitionPK = "__connect_partition"
	DefaultKafkaOffsetPK    = "__connect_offset"
	DefaultRecordKeyPK      = "__connect_key"
)

// SinkPlugin describes the JDBC sink for the connector registry.
var SinkPlugin = connect.Plugin{
	Class:   SinkClass,
	Type:    connect.PluginSink,
	Version: Version,
	New:     func() connect.Connector { return &SinkConnector{} },
}

// SinkConfigDef describes the JDBC sink's keys (topics and topics.regex are the runtime's).
func SinkConfigDef() *connect.ConfigDef {
	d := connectionKeys(connect.NewConfigDef())
	const w, dm, ddl = "Writes", "Data Mapping", "DDL Support"
	return d.
		Define(connect.ConfigKey{Name: InsertModeConfig, Type: connect.ConfigString, Default: InsertModeInsert, Importance: connect.High,
			Group: w, OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Insert Mode",
			Validator: connect.ValidStringIgnoreCase(InsertModeInsert, InsertModeUpsert, InsertModeUpdate),
			Doc: "insert: plain INSERT; upsert: INSERT … ON CONFLICT DO UPDATE (PostgreSQL) or ON DUPLICATE KEY UPDATE (MySQL/MariaDB), " +
				"so a replayed record rewrites the same row; update: UPDATE by primary key. Default insert. Mirrors Confluent JDBC's insert.mode."}).
		Define(connect.ConfigKey{Name: BatchSizeConfig, Type: connect.ConfigInt, Default: 3000, Importance: connect.Medium,
			Group: w, OrderInGroup: 2, Width: connect.WidthShort, DisplayName: "Batch Size", Validator: connect.AtLeast[int32](1),
			Doc: "Most records written in one transaction; a larger Put is split. Default 3000. Mirrors Confluent JDBC's batch.size."}).
		Define(connect.ConfigKey{Name: DeleteEnabledConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Group: w, OrderInGroup: 3, Width: connect.WidthShort, DisplayName: "Enable deletes",
			Doc: "Delete the row of a tombstone (a record with a null value); needs pk.mode=record_key. Default false. Mirrors Confluent JDBC's delete.enabled."}).
		Define(connect.ConfigKey{Name: TableNameFormatConfig, Type: connect.ConfigString, Default: "${topic}", Importance: connect.Medium,
			Group: dm, OrderInGroup: 1, Width: connect.WidthLong, DisplayName: "Table Name Format",
			Doc: "Destination table name; ${topic} is replaced by the record's topic, and a dot qualifies it with a schema. Default ${topic}. Mirrors Confluent JDBC's table.name.format."}).
		Define(connect.ConfigKey{Name: PKModeConfig, Type: connect.ConfigString, Default: PKModeNone, Importance: connect.High,
			Group: dm, OrderInGroup: 2, Width: connect.WidthMedium, DisplayName: "Primary Key Mode",
			Validator: connect.ValidStringIgnoreCase(PKModeNone, PKModeKafka, PKModeRecordKey, PKModeRecordValue),
			Doc: "Where the primary key comes from: none; kafka (topic, partition, offset columns); record_key (the key: a primitive " +
				"or fields of a struct); record_value (fields of the value). Default none. Mirrors Confluent JDBC's pk.mode."}).
		Define(connect.ConfigKey{Name: PKFieldsConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: dm, OrderInGroup: 3, Width: connect.WidthLong, DisplayName: "Primary Key Fields",
			Doc: "Primary key column names. kafka: three names (default __connect_topic,__connect_partition,__connect_offset); record_key: " +
				"the column of a primitive key (default __connect_key) or the key fields to use (default all); record_value: the value " +
				"fields to use (default all). Default empty. Mirrors Confluent JDBC's pk.fields."}).
		Define(connect.ConfigKey{Name: FieldsWhitelistConfig, Type: connect.ConfigList, Default: []string{}, Importance: connect.Medium,
			Group: dm, OrderInGroup: 4, Width: connect.WidthLong, DisplayName: "Fields Whitelist",
			Doc: "Value fields to write; empty means all. Default empty. Mirrors Confluent JDBC's fields.whitelist."}).
		Define(connect.ConfigKey{Name: AutoCreateConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Group: ddl, OrderInGroup: 1, Width: connect.WidthShort, DisplayName: "Auto-Create",
			Doc: "Create a missing table (CREATE TABLE) from the record's schema and the primary key. Default false. Mirrors Confluent JDBC's auto.create."}).
		Define(connect.ConfigKey{Name: AutoEvolveConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium,
			Group: ddl, OrderInGroup: 2, Width: connect.WidthShort, DisplayName: "Auto-Evolve",
			Doc: "Add columns (ALTER TABLE … ADD) for record fields the table lacks; a new field must be optional or have a default. Default false. Mirrors Confluent JDBC's auto.evolve."})
}

// sinkConfig is a parsed sink configuration.
type sinkConfig struct {
	url, user, password string
	insertMode          string
	batchSize           int
	deleteEnabled       bool
	tableFormat         string
	pkMode              string
	pkFields            []string
	whitelist           []string
	autoCreate          bool
	autoEvolve          bool
}

func parseSinkConfig(props map[string]string) (sinkConfig, error) {
	v, err := SinkConfigDef().Parse(props)
	if err != nil {
		return sinkConfig{}, fmt.Errorf("jdbc sink: %w", err)
	}
	c := sinkConfig{
		url: v.String(ConnectionURLConfig), user: v.String(ConnectionUserConfig), password: v.Password(ConnectionPasswordConfig).Value(),
		insertMode: strings.ToLower(v.String(InsertModeConfig)), batchSize: int(v.Int(BatchSizeConfig)), deleteEnabled: v.Bool(DeleteEnabledConfig),
		tableFormat: v.String(TableNameFormatConfig), pkMode: strings.ToLower(v.String(PKModeConfig)), pkFields: v.List(PKFieldsConfig),
		whitelist: v.List(FieldsWhitelistConfig), autoCreate: v.Bool(AutoCreateConfig), autoEvolve: v.Bool(AutoEvolveConfig),
	}
	if errs := c.crossCheck(); len(errs) > 0 {
		return c, errs[0]
	}
	return c, nil
}

func (c sinkConfig) crossCheck() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &keyError{key: key, msg: fmt.Sprintf(format, args...)})
	}
	if c.deleteEnabled && c.pkMode != PKModeRecordKey {
		bad(DeleteEnabledConfig, "deletes need pk.mode=record_key, got %s", c.pkMode)
	}
	if c.insertMode != InsertModeInsert && c.pkMode == PKModeNone {
		bad(PKModeConfig, "insert.mode=%s needs a primary key: set pk.mode", c.insertMode)
	}
	if c.pkMode == PKModeKafka && len(c.pkFields) != 0 && len(c.pkFields) != 3 {
		bad(PKFieldsConfig, "pk.mode=kafka takes three column names (topic, partition, offset), got %d", len(c.pkFields))
	}
	if c.pkMode == PKModeNone && len(c.pkFields) > 0 {
		bad(PKFieldsConfig, "pk.fields is set but pk.mode is none")
	}
	return errs
}

// tableFor returns the table name for a topic.
func (c sinkConfig) tableFor(topic string) string {
	return strings.ReplaceAll(c.tableFormat, "${topic}", topic)
}
