package serverless

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

func TestOpenLambdaEnvironment(t *testing.T) {
	reg, err := connect.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := OpenLambda(context.Background(), []string{"CONNECT_STATE_BACKEND=memory", "CONNECT_LOG_LEVEL=debug",
		"CONNECT_TASK_SHUTDOWN_MARGIN_MS=250", "AWS_LAMBDA_FUNCTION_NAME=connectless-task"}, reg)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if rt.Env.Holder != "connectless-task" || rt.Env.Margin != 250*time.Millisecond || rt.Kafka != nil {
		t.Errorf("runtime holder %q margin %v kafka %v", rt.Env.Holder, rt.Env.Margin, rt.Kafka)
	}
	for _, environ := range [][]string{
		{"CONNECT_STATE_BACKEND=memory", "CONNECT_LOG_LEVEL=loud"},
		{"CONNECT_STATE_BACKEND=memory", "CONNECT_TASK_SHUTDOWN_MARGIN_MS=soon"},
	} {
		if _, err := OpenLambda(context.Background(), environ, reg); !errors.Is(err, ErrConfig) {
			t.Errorf("%v: got %v, want ErrConfig", environ, err)
		}
	}
	// An unknown key (a typo) is warned about, not refused, as Kafka does.
	rt2, err := OpenLambda(context.Background(), []string{"CONNECT_STATE_BACKEND=memory", "CONNECT_BOOTSTRAP_SERVER=x:9092"}, reg)
	if err != nil {
		t.Fatalf("unknown key refused: %v", err)
	}
	defer rt2.Close()
	if len(rt2.Config.Ignored) != 1 || rt2.Config.Ignored[0] != "bootstrap.server" {
		t.Errorf("ignored = %v, want [bootstrap.server]", rt2.Config.Ignored)
	}
}
