package postgrescdc

import (
	"cmp"
	"fmt"
	"math/big"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Names of the schemas every table shares, as Debezium's.
const (
	sourceSchemaName      = "io.debezium.connector.postgresql.Source"
	blockSchemaName       = "event.block"
	txKeySchemaName       = "io.debezium.connector.common.TransactionMetadataKey"
	txValueSchemaName     = "io.debezium.connector.common.TransactionMetadataValue"
	heartbeatKeyName      = "io.debezium.connector.common.ServerNameKey"
	heartbeatValueName    = "io.debezium.connector.common.Heartbeat"
	connectorName         = "postgresql"
	debeziumVersionString = Version
)

// Operations, as Debezium's op field spells them.
const (
	opRead     = "r"
	opCreate   = "c"
	opUpdate   = "u"
	opDelete   = "d"
	opTruncate = "t"
)

// sourceSchema is io.debezium.connector.postgresql.Source in the field order of Debezium's
// documented create event, with sequence where the documented payload puts it.
var sourceSchema = connect.StructBuilder().Name(sourceSchemaName).
	Field("version", connect.StringSchema()).
	Field("connector", connect.StringSchema()).
	Field("name", connect.StringSchema()).
	Field("ts_ms", connect.Int64Schema()).
	Field("ts_us", connect.Int64Schema()).
	Field("ts_ns", connect.Int64Schema()).
	Field("snapshot", snapshotMarkSchema).
	Field("db", connect.StringSchema()).
	Field("sequence", connect.OptionalStringSchema()).
	Field("schema", connect.StringSchema()).
	Field("table", connect.StringSchema()).
	Field("txId", connect.OptionalInt64Schema()).
	Field("lsn", connect.OptionalInt64Schema()).
	Field("xmin", connect.OptionalInt64Schema()).
	Build()

// Values of the source block's snapshot field, as Debezium 2.x's SnapshotRecord enum spells
// them: which place a read event (op r) has in the snapshot, "false" for streamed events.
const (
	markTrue          = "true"
	markFirst         = "first"
	markFirstInTable  = "first_in_data_collection"
	markLastInTable   = "last_in_data_collection"
	markLast          = "last"
	markFalse         = "false"
	markAllowedValues = "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"
)

// snapshotMarkSchema is the schema of the source block's snapshot field: an
// io.debezium.data.Enum string (version 1) listing SnapshotRecord's values, default "false".
var snapshotMarkSchema = &connect.Schema{Type: connect.TypeString, Optional: true, Name: enumName, Version: 1,
	Parameters: map[string]string{"allowed": markAllowedValues}, Default: markFalse}

// snapshotMark places a read event in the snapshot as Debezium does: last when it is the last
// row of the last table, first when it is the first row of the first table, else
// last_in_data_collection or first_in_data_collection for the last or first row of its
// table, else true.
func snapshotMark(firstInTable, lastInTable, firstTable, lastTable bool) string {
	switch {
	case lastInTable && lastTable:
		return markLast
	case firstInTable && firstTable:
		return markFirst
	case lastInTable:
		return markLastInTable
	case firstInTable:
		return markFirstInTable
	}
	return markTrue
}

// blockSchema is the transaction block of an event (provide.transaction.metadata).
var blockSchema = connect.StructBuilder().Name(blockSchemaName).Version(1).Optional().
	Field("id", connect.StringSchema()).
	Field("total_order", connect.Int64Schema()).
	Field("data_collection_order", connect.Int64Schema()).
	Build()

var (
	txKeySchema        = connect.StructBuilder().Name(txKeySchemaName).Field("id", connect.StringSchema()).Build()
	txCollectionSchema = connect.StructBuilder().Optional().
				Field("data_collection", connect.StringSchema()).Field("event_count", connect.Int64Schema()).Build()
	txValueSchema = connect.StructBuilder().Name(txValueSchemaName).
			Field("status", connect.StringSchema()).
			Field("id", connect.StringSchema()).
			Field("event_count", connect.OptionalInt64Schema()).
			Field("data_collections", &connect.Schema{Type: connect.TypeArray, Optional: true, Value: txCollectionSchema}).
			Field("ts_ms", connect.Int64Schema()).
			Build()
	heartbeatKeySchema   = connect.StructBuilder().Name(heartbeatKeyName).Field("serverName", connect.StringSchema()).Build()
	heartbeatValueSchema = connect.StructBuilder().Name(heartbeatValueName).Field("ts_ms", connect.Int64Schema()).Build()
)

// table is one captured table with its current schemas.
type table struct {
	oid          uint32
	schema, name string
	cols         []*column // in relation order; nil for columns left out
	relCols      []string  // column names in the order the log sends them
	keySchema    *connect.Schema
	valueSchema  *connect.Schema
	envelope     *connect.Schema
	topic        string
	keyCols      []*column
	identity     map[string]bool // replica identity columns, from the relation message
}

// buildSchemas (re)builds the key, value and envelope schemas from the columns.
func (t *table) buildSchemas(prefix string) {
	base := prefix + "." + t.schema + "." + t.name
	t.topic = base
	vb := connect.StructBuilder().Name(base + ".Value").Optional()
	kb := connect.StructBuilder().Name(base + ".Key")
	t.keyCols = nil
	for _, c := range t.cols {
		if c == nil {
			continue
		}
		vb.Field(c.name, c.schema)
		if c.key {
			kb.Field(c.name, c.schema)
			t.keyCols = append(t.keyCols, c)
		}
	}
	t.valueSchema = vb.Build()
	t.keySchema = nil
	if len(t.keyCols) > 0 {
		t.keySchema = kb.Build()
	}
	t.envelope = connect.StructBuilder().Name(base+".Envelope").
		Field("before", t.valueSchema).
		Field("after", t.valueSchema).
		Field("source", sourceSchema).
		Field("transaction", blockSchema).
		Field("op", connect.StringSchema()).
		Field("ts_ms", connect.OptionalInt64Schema()).
		Field("ts_us", connect.OptionalInt64Schema()).
		Field("ts_ns", connect.OptionalInt64Schema()).
		Build()
}

// rowValues are a row's converted values by column name; absent means not carried.
type rowValues map[string]any

// valueStruct builds a before/after struct. Columns the row does not carry (a key-only old
// tuple) are null when optional and the type's zero value otherwise.
func (t *table) valueStruct(row rowValues) *connect.Struct {
	if row == nil {
		return nil
	}
	s := connect.NewStruct(t.valueSchema)
	for _, c := range t.cols {
		if c == nil {
			continue
		}
		v, ok := row[c.name]
		if !ok && !c.schema.Optional {
			v = zeroValue(c.schema)
		}
		s.MustPut(c.name, v)
	}
	return s
}

// keyStruct builds the key from a row; nil when the table has no primary key.
func (t *table) keyStruct(row rowValues) *connect.Struct {
	if t.keySchema == nil || row == nil {
		return nil
	}
	s := connect.NewStruct(t.keySchema)
	for _, c := range t.keyCols {
		s.MustPut(c.name, row[c.name])
	}
	return s
}

func zeroValue(s *connect.Schema) any {
	switch s.Name {
	case connect.DecimalName:
		scale, _ := connect.DecimalScale(s)
		return connect.Decimal{Unscaled: new(big.Int), Scale: scale}
	case connect.DateName, connect.TimeName, connect.TimestampName:
		return time.Unix(0, 0).UTC()
	case variableScaleName:
		return connect.NewStruct(s).MustPut("scale", int32(0)).MustPut("value", []byte{0})
	}
	switch s.Type {
	case connect.TypeInt8:
		return int8(0)
	case connect.TypeInt16:
		return int16(0)
	case connect.TypeInt32:
		return int32(0)
	case connect.TypeInt64:
		return int64(0)
	case connect.TypeFloat32:
		return float32(0)
	case connect.TypeFloat64:
		return float64(0)
	case connect.TypeBoolean:
		return false
	case connect.TypeString:
		return ""
	case connect.TypeBytes:
		return []byte{}
	case connect.TypeArray:
		return []any{}
	}
	return nil
}

// sourceInfo is what the source block of one event says.
type sourceInfo struct {
	snapshot string    // snapshotMark's value for read events; empty means "false"
	ts       time.Time // commit time (stream) or read time (snapshot)
	txID     *int64
	lsn      *int64
	sequence *string
}

// eventMeta is the transaction block of one event.
type eventMeta struct {
	id                        string
	totalOrder, dataCollOrder int64
}

// source builds the source block of an event on a table (schema and table empty for
// logical decoding messages).
func (w *recordBuilder) source(src sourceInfo, schema, table string) *connect.Struct {
	s := connect.NewStruct(sourceSchema).
		MustPut("version", debeziumVersionString).MustPut("connector", connectorName).MustPut("name", w.prefix).
		MustPut("ts_ms", src.ts.UnixMilli()).MustPut("ts_us", src.ts.UnixMicro()).MustPut("ts_ns", src.ts.UnixNano()).
		MustPut("snapshot", cmp.Or(src.snapshot, markFalse)).MustPut("db", w.db).MustPut("schema", schema).MustPut("table", table)
	if src.sequence != nil {
		s.MustPut("sequence", *src.sequence)
	}
	if src.txID != nil {
		s.MustPut("txId", *src.txID)
	}
	if src.lsn != nil {
		s.MustPut("lsn", *src.lsn)
	}
	return s
}

// envelope builds an event value.
func (w *recordBuilder) envelope(t *table, op string, before, after *connect.Struct, src sourceInfo, tx *eventMeta) *connect.Struct {
	now := w.now()
	e := connect.NewStruct(t.envelope).MustPut("source", w.source(src, t.schema, t.name)).
		MustPut("op", op).MustPut("ts_ms", now.UnixMilli()).MustPut("ts_us", now.UnixMicro()).MustPut("ts_ns", now.UnixNano())
	// A nil *Struct must not go into an interface as a non-nil value.
	if before != nil {
		e.MustPut("before", before)
	}
	if after != nil {
		e.MustPut("after", after)
	}
	if tx != nil {
		e.MustPut("transaction", connect.NewStruct(blockSchema).MustPut("id", tx.id).
			MustPut("total_order", tx.totalOrder).MustPut("data_collection_order", tx.dataCollOrder))
	}
	return e
}

// recordBuilder turns changes into source records.
type recordBuilder struct {
	prefix, db string
	partition  map[string]any
	tombstones bool
	now        func() time.Time
}

// change returns the records of one row change: the event, and a tombstone after a delete.
func (w *recordBuilder) change(t *table, op string, before, after rowValues, src sourceInfo, tx *eventMeta, offset map[string]any) []connect.SourceRecord {
	keyRow := after
	if op == opDelete {
		keyRow = before
	}
	key := t.keyStruct(keyRow)
	value := w.envelope(t, op, t.valueStruct(before), t.valueStruct(after), src, tx)
	rec := connect.SourceRecord{
		Record:          connect.Record{Topic: t.topic, ValueSchema: t.envelope, Value: value},
		SourcePartition: w.partition, SourceOffset: offset,
	}
	if key != nil {
		rec.KeySchema, rec.Key = t.keySchema, key
	}
	out := []connect.SourceRecord{rec}
	if op == opDelete && w.tombstones && key != nil {
		tomb := rec
		tomb.ValueSchema, tomb.Value = nil, nil
		out = append(out, tomb)
	}
	return out
}

// truncate returns the truncate event of one table (null key).
func (w *recordBuilder) truncate(t *table, src sourceInfo, tx *eventMeta, offset map[string]any) connect.SourceRecord {
	value := w.envelope(t, opTruncate, nil, nil, src, tx)
	return connect.SourceRecord{
		Record:          connect.Record{Topic: t.topic, ValueSchema: t.envelope, Value: value},
		SourcePartition: w.partition, SourceOffset: offset,
	}
}

// txRecord is a BEGIN or END record for <prefix>.transaction.
func (w *recordBuilder) txRecord(topic, status, id string, ts time.Time, counts map[string]int64, order []string, offset map[string]any) connect.SourceRecord {
	v := connect.NewStruct(txValueSchema).MustPut("status", status).MustPut("id", id).MustPut("ts_ms", ts.UnixMilli())
	if status == "END" {
		var total int64
		colls := []any{}
		for _, name := range order {
			total += counts[name]
			colls = append(colls, connect.NewStruct(txCollectionSchema).MustPut("data_collection", name).MustPut("event_count", counts[name]))
		}
		v.MustPut("event_count", total).MustPut("data_collections", colls)
	}
	return connect.SourceRecord{
		Record: connect.Record{Topic: topic, KeySchema: txKeySchema, Key: connect.NewStruct(txKeySchema).MustPut("id", id),
			ValueSchema: txValueSchema, Value: v},
		SourcePartition: w.partition, SourceOffset: offset,
	}
}

// heartbeat is a heartbeat record carrying the current position.
func (w *recordBuilder) heartbeat(topic string, offset map[string]any) connect.SourceRecord {
	return connect.SourceRecord{
		Record: connect.Record{Topic: topic, KeySchema: heartbeatKeySchema, Key: connect.NewStruct(heartbeatKeySchema).MustPut("serverName", w.prefix),
			ValueSchema: heartbeatValueSchema, Value: connect.NewStruct(heartbeatValueSchema).MustPut("ts_ms", w.now().UnixMilli())},
		SourcePartition: w.partition, SourceOffset: offset,
	}
}

// txIDString is a transaction's id in events and metadata records: "<txId>:<lsn>".
func txIDString(xid uint32, lsn uint64) string { return fmt.Sprintf("%d:%d", xid, lsn) }
