package taskrun

import (
	"context"
	"log/slog"

	"github.com/connectless/connectless/core/internal/taskslice"
)

// Converters are the key, value and header converters of a task's pipeline (Env.Converters).
type Converters = taskslice.Converters

// Transformer applies a connector's transformation chain to one record (Env.Transform).
type Transformer = taskslice.Transformer

// SourceSlice is one bounded run of a source task: what RunSourceSlice polls and produces.
type SourceSlice = taskslice.SourceSlice

// SourceResult is what a source slice produced and the offsets it may commit.
type SourceResult = taskslice.SourceResult

// ErrorConfig is a task's error handling (errors.tolerance, retries, dead letter queue).
type ErrorConfig = taskslice.ErrorConfig

// DefaultErrorConfig returns Kafka Connect's defaults: tolerance none, no retries, no log,
// no dead-letter queue.
func DefaultErrorConfig() ErrorConfig { return taskslice.DefaultErrorConfig() }

// RunSourceSlice polls the slice's task and produces what it returns until the slice ends;
// Run does this for a whole task invocation, this runs one slice on its own (for tests and
// tools that drive a task directly).
func RunSourceSlice(ctx context.Context, logger *slog.Logger, s SourceSlice) (SourceResult, error) {
	return taskslice.RunSourceSlice(ctx, logger, s)
}
