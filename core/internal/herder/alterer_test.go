package herder_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/store/memory"
)

// altererSource manages its offsets like Kafka's FileStreamSourceConnector: it refuses a
// negative "position" and accepts the rest, telling the framework it keeps them all.
type altererSource struct {
	src
	seen *[][]connect.PartitionOffset
}

func (a *altererSource) AlterOffsets(_ context.Context, cfg map[string]string, offs []connect.PartitionOffset) (bool, error) {
	*a.seen = append(*a.seen, offs)
	for _, o := range offs {
		if p, ok := o.Offset["position"]; ok && strings.HasPrefix(fmt.Sprint(p), "-") {
			return false, errors.New("The value for the 'position' key in the offset should be a non-negative value")
		}
	}
	return true, nil
}

// TestConnectorChecksAlteredOffsets: as Kafka's AbstractHerder, a connector that implements
// alterOffsets sees every alter and reset first; its refusal is the answer (500, its
// message) and nothing is written; its acceptance gives Kafka's short success messages.
func TestConnectorChecksAlteredOffsets(t *testing.T) {
	var seen [][]connect.PartitionOffset
	reg, err := connect.NewRegistry(connect.Plugin{Class: "x.AltConnector", Type: connect.PluginSource,
		New: func() connect.Connector { return &altererSource{seen: &seen} }})
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	h, err := herder.New(herder.Config{Store: st, Plugins: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "a", raw("connector.class", "x.AltConnector"), "STOPPED"); err != nil {
		t.Fatal(err)
	}
	part := map[string]any{"filename": "in.txt"}
	_, err = h.AlterOffsets(ctx, "a", []herder.ConnectorOffset{{Partition: part, Offset: map[string]any{"position": -1}}})
	if !errors.Is(err, herder.ErrInternal) || err.Error() != "The value for the 'position' key in the offset should be a non-negative value" {
		t.Fatalf("refused alter: %v", err)
	}
	if offs, _ := st.SourceOffsets(ctx, "a"); len(offs) != 0 {
		t.Fatalf("a refused alter wrote %v", offs)
	}
	msg, err := h.AlterOffsets(ctx, "a", []herder.ConnectorOffset{{Partition: part, Offset: map[string]any{"position": 5}}})
	if err != nil || msg.Message != "The offsets for this connector have been altered successfully" {
		t.Fatalf("alter: %+v %v", msg, err)
	}
	msg, err = h.ResetOffsets(ctx, "a")
	if err != nil || msg.Message != "The offsets for this connector have been reset successfully" {
		t.Fatalf("reset: %+v %v", msg, err)
	}
	if last := seen[len(seen)-1]; len(last) != 1 || last[0].Offset != nil || last[0].Partition["filename"] != "in.txt" {
		t.Fatalf("the reset showed the connector %+v, want its one partition with a null offset", last)
	}
}

// TestValidateWithoutName: as Kafka, a configuration without "name" gets exactly one error
// for it, "Missing required configuration "name" which has no default value.".
func TestValidateWithoutName(t *testing.T) {
	h, _ := newHerder(t)
	infos, err := h.ValidateConfig(context.Background(), "SnkConnector", raw("connector.class", "x.SnkConnector", "topics", "a"))
	if err != nil {
		t.Fatal(err)
	}
	var nameErrs []string
	for _, c := range infos.Configs {
		if c.Value != nil && c.Value.Name == "name" {
			nameErrs = append(nameErrs, c.Value.Errors...)
		}
	}
	if len(nameErrs) != 1 || nameErrs[0] != `Missing required configuration "name" which has no default value.` || infos.ErrorCount != 1 {
		t.Fatalf("name errors %q, error_count %d; want Kafka's one error", nameErrs, infos.ErrorCount)
	}
}

// TestTaskConfigs: as Kafka's Worker.connectorTaskConfigs, every task config carries
// task.class; keys connectless keeps for itself (the sink assignment) are not shown.
func TestTaskConfigs(t *testing.T) {
	h, st := newHerder(t)
	ctx := context.Background()
	if _, err := h.CreateConnector(ctx, "k", raw("connector.class", "x.SnkConnector", "topics", "a"), ""); err != nil {
		t.Fatal(err)
	}
	c, err := st.Connector(ctx, "k")
	if err != nil || len(c.Tasks) != 1 || c.Tasks[0]["task.class"] != "x.SnkTask" {
		t.Fatalf("stored tasks %+v %v, want task.class x.SnkTask", c.Tasks, err)
	}
	c.Tasks[0]["connectless.task.assignment"] = "a:0"
	if _, err := st.PutTaskConfigs(ctx, "k", c.Tasks); err != nil {
		t.Fatal(err)
	}
	tasks, err := h.Tasks(ctx, "k")
	if err != nil || len(tasks) != 1 {
		t.Fatal(tasks, err)
	}
	if _, shown := tasks[0].Config["connectless.task.assignment"]; shown || tasks[0].Config["task.class"] != "x.SnkTask" {
		t.Fatalf("GET tasks config %v", tasks[0].Config)
	}
	if got := herder.TaskClass("org.apache.kafka.connect.file.FileStreamSourceConnector"); got != "org.apache.kafka.connect.file.FileStreamSourceTask" {
		t.Fatalf("TaskClass = %s, want Kafka's FileStreamSourceTask", got)
	}
}
