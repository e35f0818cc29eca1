package outage

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

const gateSinkClass = "test.GateSinkConnector"

// gate is the external system of a test sink whose next Put can be held, so that a fault
// is injected while a slice holds records it has not committed.
type gate struct {
	mu        sync.Mutex
	got       map[string]int
	armed     bool
	blocked   chan struct{} // closed when a Put waits at the armed gate
	open      chan struct{} // closed to let it through
	blockOnce sync.Once
}

func newGate() *gate {
	return &gate{got: map[string]int{}, blocked: make(chan struct{}), open: make(chan struct{})}
}

func (g *gate) arm() { g.mu.Lock(); g.armed = true; g.mu.Unlock() }

func (g *gate) release() { close(g.open) }

func (g *gate) waitBlocked(t *testing.T) {
	t.Helper()
	select {
	case <-g.blocked:
	case <-time.After(30 * time.Second):
		t.Fatal("no Put reached the gate")
	}
}

func (g *gate) values() map[string]int { return g.counts() }

func (g *gate) counts() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]int, len(g.got))
	for k, v := range g.got {
		out[k] = v
	}
	return out
}

func (g *gate) plugin() connect.Plugin {
	return connect.Plugin{Class: gateSinkClass, Type: connect.PluginSink, Version: "1",
		New: func() connect.Connector { return gateConnector{g} }}
}

type gateConnector struct{ g *gate }

func (gateConnector) Version() string                                { return "1" }
func (gateConnector) Config() *connect.ConfigDef                     { return connect.NewConfigDef() }
func (gateConnector) Start(context.Context, map[string]string) error { return nil }
func (gateConnector) Stop() error                                    { return nil }
func (gateConnector) TaskConfigs(n int) ([]map[string]string, error) {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{}
	}
	return out, nil
}
func (c gateConnector) NewTask() connect.SinkTask { return &gateTask{g: c.g} }

type gateTask struct{ g *gate }

func (*gateTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (*gateTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }
func (*gateTask) Stop() error                                                   { return nil }

// Put keeps the values (as strings) at once: the system is durable on Put.
func (t *gateTask) Put(ctx context.Context, recs []connect.SinkRecord) error {
	g := t.g
	g.mu.Lock()
	armed := g.armed
	g.mu.Unlock()
	if armed {
		g.blockOnce.Do(func() { close(g.blocked) })
		select {
		case <-g.open:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, r := range recs {
		g.got[toString(r.Value)]++
	}
	return nil
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
