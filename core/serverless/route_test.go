package serverless

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
)

func TestTaskFunctionByClass(t *testing.T) {
	routes := []TaskRoute{{Names: []string{"x.HeavySink", "HeavySink"}, Function: "heavy-fn", Key: "heavy.task.function.name"}}
	unset := []TaskRoute{{Names: []string{"x.HeavySink"}, Key: "heavy.task.function.name"}}
	for _, tc := range []struct {
		name    string
		routes  []TaskRoute
		class   string
		want    string
		wantErr string
	}{
		{"other class", routes, "x.LightSink", "task-fn", ""},
		{"no class", routes, "", "task-fn", ""},
		{"routed class", routes, "x.HeavySink", "heavy-fn", ""},
		{"routed alias", routes, "HeavySink", "heavy-fn", ""},
		{"routed class with spaces", routes, " x.HeavySink\t", "heavy-fn", ""},
		{"no routes", nil, "x.HeavySink", "task-fn", ""},
		{"route not set", unset, "x.HeavySink", "", "heavy.task.function.name (CONNECT_HEAVY_TASK_FUNCTION_NAME): not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := function(tc.routes, "task-fn", schedule.Payload{Connector: "c", Class: tc.class})
			if tc.wantErr != "" {
				if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), `"c"`) {
					t.Errorf("error %v, want ErrConfig naming %q and the connector", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("function %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestRunTaskRefusesUnlinkedClass: a task function without the routed class refuses its
// tasks with ErrWrongTaskFunction naming the function to use, before the lease and without
// writing a status, whether the payload carries the class or not; classes it links run.
func TestRunTaskRefusesUnlinkedClass(t *testing.T) {
	rt, _ := memoryRuntime(t, nil)
	rt.Elsewhere = []TaskRoute{{Names: []string{"x.HeavySink", "HeavySink"}, Function: "heavy-fn", Key: "heavy.task.function.name"}}
	ctx := context.Background()
	createConnector(t, rt, "heavy", "HeavySink", 1, store.TargetRunning)
	createConnector(t, rt, "idle", "test.IdleSource", 1, store.TargetPaused)
	notAfter := time.Now().Add(200 * time.Millisecond)
	for _, p := range []schedule.Payload{
		{Connector: "heavy", Class: "HeavySink", NotAfter: notAfter},
		{Connector: "heavy", NotAfter: notAfter},
	} {
		_, err := rt.RunTask(ctx, "", p)
		if !errors.Is(err, ErrWrongTaskFunction) || !strings.Contains(err.Error(), "heavy-fn") || !strings.Contains(err.Error(), "heavy.task.function.name") {
			t.Errorf("payload %+v: %v, want ErrWrongTaskFunction naming heavy-fn and its property", p, err)
		}
	}
	if _, err := rt.Store.CurrentLease(ctx, "heavy", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("lease after a refused invocation: %v, want none taken", err)
	}
	if st, err := rt.Store.Statuses(ctx, "heavy"); err != nil || len(st) != 0 {
		t.Errorf("statuses after a refused invocation: %+v, %v; want none", st, err)
	}
	// A linked class goes on to the invocation proper (here a paused connector's skip).
	res, err := rt.RunTask(ctx, "", schedule.Payload{Connector: "idle", Class: "test.IdleSource", NotAfter: notAfter})
	if err != nil || !res.Skipped || !strings.Contains(res.Reason, "PAUSED") {
		t.Errorf("linked class: %+v, %v; want the paused connector's skip", res, err)
	}
}
