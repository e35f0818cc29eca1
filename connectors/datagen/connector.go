package datagen

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// batchMax bounds the records one Poll returns.
const batchMax = 1000

// idleWait is how long Poll waits before returning nothing once iterations are done.
const idleWait = 100 * time.Millisecond

// seededEpoch is the clock of seeded runs: record i is stamped seededEpoch + 10ms × i.
var seededEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Connector is the datagen source connector: tasks.max tasks each generate iterations records.
type Connector struct {
	connect.ConnectorBase[spec]
}

// spec gives connect.ConnectorBase the connector's version and configuration check.
type spec struct{}

func (spec) Version() string { return Version }
func (spec) Check(props map[string]string) error {
	_, err := parse(props)
	return err
}

// Config returns the ConfigDef.
func (c *Connector) Config() *connect.ConfigDef { return ConfigDef() }

// TaskConfigs returns maxTasks configurations numbered by task.id.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out, err := c.ConnectorBase.TaskConfigs(maxTasks)
	for i := range out {
		out[i][TaskIDConfig] = strconv.Itoa(i)
	}
	return out, err
}

// NewTask returns a new datagen task.
func (c *Connector) NewTask() connect.SourceTask { return &Task{} }

// Validate reports the template errors ConfigDef cannot see (exactly one of quickstart,
// schema.string and schema.filename; a key field that is not a field) on the key at fault.
func (c *Connector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	if results.ErrorCount > 0 {
		return nil
	}
	_, err := parse(props)
	if err == nil {
		return nil
	}
	key := QuickstartConfig
	switch {
	case props[SchemaKeyFieldConfig] != "" && errorsMention(err, SchemaKeyFieldConfig):
		key = SchemaKeyFieldConfig
	case props[SchemaStringConfig] != "" && errorsMention(err, SchemaStringConfig+":"):
		key = SchemaStringConfig
	case props[SchemaFilenameConfig] != "" && errorsMention(err, SchemaFilenameConfig+":"):
		key = SchemaFilenameConfig
	}
	results.AddError(key, err.Error())
	return nil
}

func errorsMention(err error, s string) bool {
	return err != nil && strings.Contains(err.Error(), s)
}

// Task generates records: record i is a pure function of (seed, task.id, i).
type Task struct {
	s    settings
	next int64     // iteration of the next record
	due  time.Time // when the next record is due, with max.interval > 0
	part map[string]any
}

// Start resumes from the committed current.iteration.
func (t *Task) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	s, err := parse(props)
	if err != nil {
		return err
	}
	if !s.seeded {
		var b [8]byte
		_, _ = rand.Read(b[:])
		s.seed = binary.LittleEndian.Uint64(b[:])
	}
	t.s, t.next, t.due = s, 0, time.Now()
	t.part = map[string]any{TaskIDField: s.taskID}
	off, err := tctx.OffsetReader().Offset(ctx, t.part)
	if err != nil {
		return fmt.Errorf("datagen task %d: read committed offset: %w", s.taskID, err)
	}
	if raw, ok := off[CurrentIterationField]; ok && raw != nil {
		n, err := iterationOf(raw)
		if err != nil {
			return fmt.Errorf("datagen task %d: %w", s.taskID, err)
		}
		t.next = n
	}
	return nil
}

func iterationOf(raw any) (int64, error) {
	if n, ok := connect.OffsetInt(raw); ok {
		return n, nil
	}
	return 0, fmt.Errorf("committed %s %v (%T) is not a whole number", CurrentIterationField, raw, raw)
}

// Poll returns the records due now, at most batchMax; it waits up to a second for the next
// one when max.interval paces the output, and briefly once iterations are done.
func (t *Task) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.part == nil {
		return nil, errors.New("datagen: poll before start")
	}
	if t.done() {
		return nil, connect.Sleep(ctx, idleWait)
	}
	now := time.Now()
	if t.s.maxInterval > 0 {
		if wait := t.due.Sub(now); wait > 0 {
			if err := connect.Sleep(ctx, min(wait, time.Second)); err != nil {
				return nil, err
			}
			now = time.Now()
		}
		if t.due.Before(now.Add(-time.Second)) {
			t.due = now // fell behind: catch up at most a second's worth
		}
	}
	n := batchMax
	if t.s.iterations > 0 {
		n = int(min(int64(n), t.s.iterations-t.next))
	}
	capacity := n
	if t.s.maxInterval > 0 {
		capacity = min(n, 16)
	}
	out := make([]connect.SourceRecord, 0, capacity)
	for len(out) < n {
		if t.s.maxInterval > 0 && t.due.After(now) {
			break
		}
		rec, delay := t.record(t.next, now)
		out = append(out, rec)
		t.next++
		if t.s.maxInterval > 0 {
			t.due = t.due.Add(delay)
		}
	}
	return out, nil
}

func (t *Task) done() bool { return t.s.iterations > 0 && t.next >= t.s.iterations }

// record generates record i and the delay before the next one.
func (t *Task) record(i int64, now time.Time) (connect.SourceRecord, time.Duration) {
	r := recordRNG(t.s.seed, t.s.taskID, i)
	at := now
	if t.s.seeded {
		at = seededEpoch.Add(time.Duration(i) * 10 * time.Millisecond)
	}
	tpl := t.s.template
	v := tpl.gen(&r, i, at)
	rec := connect.SourceRecord{
		Record:          connect.Record{Topic: t.s.topic, ValueSchema: tpl.ValueSchema, Value: v},
		SourcePartition: t.part,
		SourceOffset:    map[string]any{CurrentIterationField: i + 1},
	}
	if tpl.KeyField != "" {
		rec.KeySchema = tpl.KeySchema
		rec.Key, _ = v.Get(tpl.KeyField)
	}
	if tpl.Name == "applogs" {
		rec.Timestamp = at
	}
	var delay time.Duration
	if t.s.maxInterval > 0 {
		delay = time.Duration(r.between(0, t.s.maxInterval)) * time.Millisecond
	}
	return rec, delay
}

// Stop does nothing: the task holds no resources.
func (t *Task) Stop() error { return nil }

var (
	_ connect.SourceConnector = (*Connector)(nil)
	_ connect.Validator       = (*Connector)(nil)
	_ connect.SourceTask      = (*Task)(nil)
)
