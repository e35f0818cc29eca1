package serverless

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/connect"
)

// LogLevelKey is the worker property setting the functions' log level: DEBUG, INFO
// (default), WARN or ERROR. It has no Kafka Connect equivalent (Kafka uses log4j files).
const LogLevelKey = workerprops.KeyLogLevel

// OpenLambda is Open for a Lambda function: the worker properties come from environ
// (FromEnv), logs go to stderr as JSON lines, and the worker id is the function's name
// (AWS_LAMBDA_FUNCTION_NAME).
func OpenLambda(ctx context.Context, environ []string, reg *connect.Registry) (*Runtime, error) {
	props := workerprops.FromEnv(environ)
	level := slog.LevelInfo
	var levelErr error
	if v, ok := props[LogLevelKey]; ok {
		if err := level.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
			levelErr = fmt.Errorf("%w: %s: want DEBUG, INFO, WARN or ERROR, got %q", ErrConfig, LogLevelKey, v)
		}
		delete(props, LogLevelKey)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if levelErr != nil {
		log.Error("init", "error", levelErr)
		return nil, levelErr
	}
	workerID := "connectless"
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "AWS_LAMBDA_FUNCTION_NAME="); ok && v != "" {
			workerID = v
		}
	}
	rt, err := Open(ctx, props, Options{Registry: reg, Logger: log, WorkerID: workerID})
	if err != nil {
		log.Error("init", "error", err)
		return nil, err
	}
	return rt, nil
}

// Shutdown is the functions' SIGTERM cleanup (lambda.WithEnableSIGTERM): it closes the store
// and the Kafka client and logs that it did. An invocation in progress has already returned:
// Lambda sends SIGTERM only when it retires an idle execution environment.
func (rt *Runtime) Shutdown() {
	if err := rt.Close(); err != nil {
		rt.Logger.Warn("shutdown", "error", err)
		return
	}
	rt.Logger.Info("shutdown: store and Kafka client closed")
}
