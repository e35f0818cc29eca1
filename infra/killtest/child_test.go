package killtest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"testing"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
)

// Environment variables of a task process.
const (
	childEnv        = "KILLTEST_CHILD"        // "1" in a task process
	childPropsEnv   = "KILLTEST_WORKER_PROPS" // worker properties as a JSON object
	childPayloadEnv = "KILLTEST_TASK_PAYLOAD" // the schedule.Payload as JSON
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild is one task invocation in its own process: what the task function does with one
// payload. Exit code 0 when it ran, or was skipped or fenced (a clean exit), 1 on failure.
func runChild() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var props map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(childPropsEnv)), &props); err != nil {
		log.Error("worker properties", "error", err)
		return 1
	}
	var p schedule.Payload
	if err := json.Unmarshal([]byte(os.Getenv(childPayloadEnv)), &p); err != nil {
		log.Error("payload", "error", err)
		return 1
	}
	reg, err := connectors.Registry()
	if err != nil {
		log.Error("registry", "error", err)
		return 1
	}
	ctx := context.Background()
	rt, err := serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: log, WorkerID: "killtest-task"})
	if err != nil {
		log.Error("open runtime", "error", err)
		return 1
	}
	defer rt.Close()
	res, err := rt.RunTask(ctx, fmt.Sprintf("task-process-%d", os.Getpid()), p)
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if err != nil {
		log.Error("invocation failed", "error", err)
		return 1
	}
	return 0
}
