package sqldb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// ErrRecord is wrapped by errors about one record the sink cannot write; such records go to
// the runtime's error handling (errant record reporter).
var ErrRecord = errors.New("record cannot be written")

// SinkConnector is the JDBC sink connector: every task gets the same configuration; the
// runtime deals partitions over them.
type SinkConnector struct {
	connect.ConnectorBase[sinkSpec]
}

// sinkSpec gives connect.ConnectorBase the sink's version and configuration check.
type sinkSpec struct{}

func (sinkSpec) Version() string { return Version }
func (sinkSpec) Check(props map[string]string) error {
	_, err := parseSinkConfig(props)
	return err
}

// Config returns the sink's ConfigDef.
func (c *SinkConnector) Config() *connect.ConfigDef { return SinkConfigDef() }

// NewTask returns a new sink task.
func (c *SinkConnector) NewTask() connect.SinkTask { return &SinkTask{} }

// Validate reports the cross-key errors on the keys concerned (Kafka's Connector.validate);
// what only a connection can see is Preflight's.
func (c *SinkConnector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	if results.ErrorCount > 0 {
		return nil
	}
	cfg, err := parseSinkConfig(props)
	if errors.Is(err, ErrConfig) {
		addKeyErrors(results, cfg.crossCheck())
	}
	if err == nil {
		checkURL(results, cfg.url)
	}
	return nil
}

// SinkTask writes records into tables, one transaction per batch.
type SinkTask struct {
	db     *conn
	cfg    sinkConfig
	tctx   connect.SinkTaskContext
	tables map[string]*tableInfo
}

// Start connects to the database.
func (t *SinkTask) Start(ctx context.Context, props map[string]string, tctx connect.SinkTaskContext) error {
	cfg, err := parseSinkConfig(props)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg.url, cfg.user, cfg.password)
	if err != nil {
		return fmt.Errorf("jdbc sink task: %w", err)
	}
	t.db, t.cfg, t.tctx, t.tables = db, cfg, tctx, map[string]*tableInfo{}
	return nil
}

// op is one record turned into a row write or a delete.
type op struct {
	rec    *connect.SinkRecord
	table  string
	cols   []col // key columns first
	delete bool
}

// Put writes the records, batch.size at a time, each batch in one transaction: a failing
// batch leaves nothing of itself behind. Tables are created or evolved first when allowed.
func (t *SinkTask) Put(ctx context.Context, records []connect.SinkRecord) error {
	if t.db == nil {
		return fmt.Errorf("jdbc sink: Put before Start")
	}
	var ops []op
	for i := range records {
		o, err := t.toOp(&records[i])
		if errors.Is(err, ErrRecord) {
			if rerr := t.tctx.Reporter().Report(ctx, records[i], err); rerr != nil {
				return fmt.Errorf("jdbc sink: %w", rerr)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("jdbc sink: %w", err)
		}
		if o != nil {
			ops = append(ops, *o)
		}
	}
	for chunk := range slices.Chunk(ops, t.cfg.batchSize) {
		if err := t.write(ctx, chunk); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			err = fmt.Errorf("jdbc sink: %w", err)
			if transient.Is(err) {
				return connect.Retriable(err)
			}
			return err
		}
	}
	return nil
}

// write applies a batch of operations in one transaction.
func (t *SinkTask) write(ctx context.Context, ops []op) error {
	for _, o := range ops {
		if !o.delete {
			if err := t.ensureTable(ctx, o.table, o.cols); err != nil {
				return err
			}
		}
	}
	tx, err := t.db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	for i := 0; i < len(ops); {
		o := ops[i]
		info, err := t.table(ctx, o.table)
		if err != nil {
			return err
		}
		var text string
		var args []any
		end := i + 1
		if o.delete || t.cfg.insertMode == InsertModeUpdate {
			text, args, err = t.statement(info, o)
		} else {
			end = runEnd(ops, i)
			run := ops[i:end]
			if t.cfg.insertMode == InsertModeUpsert {
				run = lastPerKey(run)
			}
			text, args, err = t.insertStatement(info, run)
		}
		if err != nil {
			return fmt.Errorf("table %q: %w", o.table, err)
		}
		if _, err := tx.ExecContext(ctx, text, args...); err != nil {
			last := ops[end-1].rec
			return fmt.Errorf("table %q: write records %s/%d@%d..%d: %w", o.table, o.rec.OriginalTopic, o.rec.OriginalPartition,
				o.rec.OriginalOffset, last.OriginalOffset, err)
		}
		i = end
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Flush does nothing more: Put commits each batch before it returns.
func (t *SinkTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }

// Stop closes the connection. It is safe to call more than once.
func (t *SinkTask) Stop() error {
	if t.db == nil {
		return nil
	}
	err := t.db.db.Close()
	t.db = nil
	return err
}

// col is one column of a row: name, Connect schema and value.
type col struct {
	name   string
	schema *connect.Schema
	value  any
	key    bool
}

// toOp turns a record into a row write or delete; nil means nothing to do.
func (t *SinkTask) toOp(r *connect.SinkRecord) (*op, error) {
	o := &op{rec: r, table: t.cfg.tableFor(r.Topic)}
	keys, err := t.keyCols(r)
	if err != nil {
		return nil, err
	}
	if r.Value == nil {
		if !t.cfg.deleteEnabled {
			return nil, fmt.Errorf("%w: %s/%d@%d is a tombstone (null value) and delete.enabled is false", ErrRecord, r.Topic, r.KafkaPartition(), r.KafkaOffset())
		}
		o.cols, o.delete = keys, true
		return o, nil
	}
	st, ok := r.Value.(*connect.Struct)
	if !ok || r.ValueSchema == nil || r.ValueSchema.Type != connect.TypeStruct {
		return nil, fmt.Errorf("%w: %s/%d@%d: the value must be a struct with a schema (got %T); use a converter with schemas",
			ErrRecord, r.Topic, r.KafkaPartition(), r.KafkaOffset(), r.Value)
	}
	o.cols = keys
	for _, f := range r.ValueSchema.Fields {
		if len(t.cfg.whitelist) > 0 && !slices.Contains(t.cfg.whitelist, f.Name) {
			continue
		}
		v, _ := st.Get(f.Name)
		if i := slices.IndexFunc(o.cols, func(c col) bool { return c.name == f.Name }); i >= 0 {
			if t.cfg.pkMode == PKModeRecordValue {
				o.cols[i].value = v
			}
			continue
		}
		o.cols = append(o.cols, col{name: f.Name, schema: f.Schema, value: v})
	}
	if t.cfg.pkMode == PKModeRecordValue {
		if err := t.valueKeys(r, o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// keyCols returns the primary key columns of pk.mode kafka and record_key.
func (t *SinkTask) keyCols(r *connect.SinkRecord) ([]col, error) {
	switch t.cfg.pkMode {
	case PKModeKafka:
		names := []string{DefaultKafkaTopicPK, DefaultKafkaPartitionPK, DefaultKafkaOffsetPK}
		if len(t.cfg.pkFields) == 3 {
			names = t.cfg.pkFields
		}
		return []col{
			{name: names[0], schema: connect.StringSchema(), value: r.Topic, key: true},
			{name: names[1], schema: connect.Int32Schema(), value: r.KafkaPartition(), key: true},
			{name: names[2], schema: connect.Int64Schema(), value: r.KafkaOffset(), key: true},
		}, nil
	case PKModeRecordKey:
		if r.Key == nil {
			return nil, fmt.Errorf("%w: %s/%d@%d has a null key and pk.mode is record_key", ErrRecord, r.Topic, r.KafkaPartition(), r.KafkaOffset())
		}
		if r.KeySchema == nil {
			return nil, fmt.Errorf("%w: %s/%d@%d: the key has no schema; pk.mode=record_key needs one", ErrRecord, r.Topic, r.KafkaPartition(), r.KafkaOffset())
		}
		if r.KeySchema.Type != connect.TypeStruct {
			name := DefaultRecordKeyPK
			if len(t.cfg.pkFields) == 1 {
				name = t.cfg.pkFields[0]
			} else if len(t.cfg.pkFields) > 1 {
				return nil, fmt.Errorf("%w: a primitive key maps to one column, but pk.fields names %d", ErrRecord, len(t.cfg.pkFields))
			}
			s := *r.KeySchema
			s.Optional = false
			return []col{{name: name, schema: &s, value: r.Key, key: true}}, nil
		}
		st, ok := r.Key.(*connect.Struct)
		if !ok {
			return nil, fmt.Errorf("%w: key schema is a struct but the key is %T", ErrRecord, r.Key)
		}
		var out []col
		for _, f := range r.KeySchema.Fields {
			if len(t.cfg.pkFields) > 0 && !slices.Contains(t.cfg.pkFields, f.Name) {
				continue
			}
			v, _ := st.Get(f.Name)
			s := *f.Schema
			s.Optional = false
			out = append(out, col{name: f.Name, schema: &s, value: v, key: true})
		}
		for _, n := range t.cfg.pkFields {
			if _, ok := r.KeySchema.Field(n); !ok {
				return nil, fmt.Errorf("%w: pk.fields names %q, which the key struct lacks", ErrRecord, n)
			}
		}
		return out, nil
	}
	return nil, nil
}

// valueKeys marks the pk.fields of the value (all fields by default) as the key, moving
// them to the front.
func (t *SinkTask) valueKeys(r *connect.SinkRecord, o *op) error {
	names := t.cfg.pkFields
	if len(names) == 0 {
		for _, c := range o.cols {
			names = append(names, c.name)
		}
	}
	var keys, rest []col
	for _, c := range o.cols {
		if slices.Contains(names, c.name) {
			c.key = true
			s := *c.schema
			s.Optional = false
			c.schema = &s
			keys = append(keys, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(keys) != len(names) {
		return fmt.Errorf("%w: %s/%d@%d: pk.fields %v are not all fields of the value", ErrRecord, r.Topic, r.KafkaPartition(), r.KafkaOffset(), names)
	}
	o.cols = append(keys, rest...)
	return nil
}
