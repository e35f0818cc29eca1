package sqldb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// maxPollWait bounds how long Poll sleeps waiting for a table to be due.
const maxPollWait = time.Second

// SourceConnector is the JDBC source connector: it lists the tables to copy and deals them
// over the tasks.
type SourceConnector struct {
	connect.ConnectorBase[sourceSpec]
	cfg    sourceConfig
	tables []string
}

// sourceSpec gives connect.ConnectorBase the source's version and configuration check.
type sourceSpec struct{}

func (sourceSpec) Version() string { return Version }
func (sourceSpec) Check(props map[string]string) error {
	_, err := parseSourceConfig(props)
	return err
}

// Config returns the source's ConfigDef.
func (c *SourceConnector) Config() *connect.ConfigDef { return SourceConfigDef() }

// Start parses the configuration and, in table mode, lists the tables to copy.
func (c *SourceConnector) Start(ctx context.Context, props map[string]string) error {
	if err := c.ConnectorBase.Start(ctx, props); err != nil {
		return err
	}
	cfg, _ := parseSourceConfig(props) // checked by Start
	c.cfg, c.tables = cfg, nil
	if cfg.query != "" {
		return nil
	}
	db, err := open(ctx, cfg.url, cfg.user, cfg.password)
	if err != nil {
		return fmt.Errorf("jdbc source: %w", err)
	}
	defer db.db.Close()
	if c.tables, err = selectTables(ctx, db, cfg); err != nil {
		return fmt.Errorf("jdbc source: %w", err)
	}
	return nil
}

// selectTables lists the tables a source copies: the whitelist as given (checked to exist),
// or every table of the current schema minus the blacklist.
func selectTables(ctx context.Context, db *conn, cfg sourceConfig) ([]string, error) {
	if len(cfg.include) > 0 {
		var out []string
		for _, t := range cfg.include {
			if _, err := db.columns(ctx, t); errors.Is(err, ErrNoTable) {
				return nil, &missingError{kind: ErrNoTable, msg: fmt.Sprintf("table %q does not exist in %s: create it or fix %s (%s)",
					t, db.where, TableWhitelistConfig, TableIncludeListConfig)}
			} else if err != nil {
				return nil, err
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return out, nil
	}
	all, err := db.tables(ctx, cfg.tableTypes)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(t string) bool { return slices.Contains(cfg.exclude, t) }), nil
}

// TaskConfigs deals the tables round-robin over at most maxTasks tasks; query mode uses one task.
func (c *SourceConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	if c.Props() == nil {
		return nil, fmt.Errorf("jdbc source: TaskConfigs before Start")
	}
	n := min(max(maxTasks, 1), max(len(c.tables), 1))
	if c.cfg.query != "" {
		n = 1
	}
	groups := make([][]string, n)
	for i, t := range c.tables {
		groups[i%n] = append(groups[i%n], t)
	}
	out := make([]map[string]string, n)
	for i := range out {
		cfg := maps.Clone(c.Props())
		cfg[TablesConfig] = strings.Join(groups[i], ",")
		out[i] = cfg
	}
	return out, nil
}

// NewTask returns a new source task.
func (c *SourceConnector) NewTask() connect.SourceTask { return &SourceTask{} }

// Validate reports the cross-key errors on the keys concerned (Kafka's Connector.validate);
// what only a connection can see is Preflight's.
func (c *SourceConnector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	if results.ErrorCount > 0 {
		return nil // the single-key errors come first
	}
	cfg, err := parseSourceConfig(props)
	if errors.Is(err, ErrConfig) {
		addKeyErrors(results, cfg.crossCheck())
	}
	if err == nil {
		checkURL(results, cfg.url)
	}
	return nil
}

// SourceTask copies its tables (or the query) into Kafka.
type SourceTask struct {
	db       *conn
	cfg      sourceConfig
	queriers []*querier
	next     int
}

// Start connects, reads each table's committed offset and checks the columns the mode needs.
func (t *SourceTask) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	cfg, err := parseSourceConfig(props)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg.url, cfg.user, cfg.password)
	if err != nil {
		return fmt.Errorf("jdbc source task: %w", err)
	}
	t.db, t.cfg, t.queriers, t.next = db, cfg, nil, 0
	names := cfg.tables
	if cfg.query != "" {
		names = []string{""}
	}
	for _, name := range names {
		q, err := newQuerier(ctx, db, cfg, name)
		if err != nil {
			t.Stop()
			return fmt.Errorf("jdbc source task: %w", err)
		}
		off, err := tctx.OffsetReader().Offset(ctx, q.partition)
		if err != nil {
			t.Stop()
			return fmt.Errorf("jdbc source task: read offset of %v: %w", q.partition, err)
		}
		if err := q.restore(ctx, off); err != nil {
			t.Stop()
			return fmt.Errorf("jdbc source task: %s: %w", q.describe(), err)
		}
		t.queriers = append(t.queriers, q)
	}
	return nil
}

// Poll returns the next rows of the first table that is due, waiting at most about a second.
func (t *SourceTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if len(t.queriers) == 0 {
		return nil, connect.Sleep(ctx, maxPollWait)
	}
	waited := false
	for {
		i := t.dueIndex()
		q := t.queriers[i]
		if wait := time.Until(q.nextDue); wait > 0 {
			if waited {
				return nil, nil
			}
			waited = true
			if err := connect.Sleep(ctx, min(wait, maxPollWait)); err != nil {
				return nil, err
			}
			continue
		}
		recs, err := q.poll(ctx, int(t.cfg.batchMaxRows))
		if err != nil {
			q.close()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			err = fmt.Errorf("jdbc source: %s: %w", q.describe(), err)
			if transient.Is(err) {
				return nil, connect.Retriable(err)
			}
			return nil, err
		}
		t.next = (i + 1) % len(t.queriers)
		if len(recs) > 0 {
			return recs, nil
		}
	}
}

// dueIndex picks the querier due first, starting the search after the last one polled so
// that tables take turns.
func (t *SourceTask) dueIndex() int {
	// A result still open is read to its end first, so a task holds one open result at most.
	for i, q := range t.queriers {
		if q.rows != nil {
			return i
		}
	}
	best := -1
	for k := range t.queriers {
		i := (t.next + k) % len(t.queriers)
		if best < 0 || t.queriers[i].nextDue.Before(t.queriers[best].nextDue) {
			best = i
		}
	}
	return best
}

// Stop closes open result sets and the connection. It is safe to call more than once.
func (t *SourceTask) Stop() error {
	for _, q := range t.queriers {
		q.close()
	}
	if t.db != nil {
		err := t.db.db.Close()
		t.db = nil
		return err
	}
	return nil
}
