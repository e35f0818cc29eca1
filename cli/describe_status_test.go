package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

// TestDescribeShowsTaskNoteAndGauges shows what a task reported through
// connect.TaskStatusReporter, read from the status trace the runtime writes: a line per
// task in the table, note and gauges fields in JSON.
func TestDescribeShowsTaskNoteAndGauges(t *testing.T) {
	s := startServer(t, nil)
	s.create(t, "pg", "connector.class", "FileStreamSource", "file", "/data/in.txt", "topic", "events", "tasks.max", "1")
	trace := schedule.Note{TaskNote: "replication slot debezium retains 4096 bytes of WAL, more than slot.lag.warn.bytes=1000",
		Gauges: map[string]float64{"slot_lag_bytes": 4096}}.Trace()
	s.runTasks(t, "pg", store.StateRunning, trace)
	cli := newCLI(t, s.URL)
	out := cli.ok("describe", "connector", "pg").stdout
	for _, want := range []string{"task 0 note: replication slot debezium retains 4096 bytes", "task 0 gauges: slot_lag_bytes=4096"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe shows no %q:\n%s", want, out)
		}
	}
	var d struct {
		Tasks []struct {
			Note   string             `json:"note"`
			Gauges map[string]float64 `json:"gauges"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(cli.ok("describe", "connector", "pg", "-o", "json").stdout), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Tasks) != 1 || !strings.HasSuffix(d.Tasks[0].Note, "slot.lag.warn.bytes=1000") || d.Tasks[0].Gauges["slot_lag_bytes"] != 4096 {
		t.Errorf("json tasks = %+v", d.Tasks)
	}
}
