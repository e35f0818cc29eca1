// Command connectless runs and manages Kafka-Connect-style connectors. It speaks the Kafka
// Connect REST API (a connectless worker, the REST Lambda function behind API Gateway, or an
// Apache Kafka Connect cluster) for connector CRUD and operations, with kcctl-like verbs and
// named contexts, and runs the operational pieces in the same binary: worker, standalone,
// dev, demo and invoke.
//
// Exit codes: 0 success, 1 error, 2 wrong usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, newEnv())
	stop()
	os.Exit(code)
}

// commands lists the command groups, one line each.
func commands(e *env) []*cli.Command {
	return []*cli.Command{
		getCommand(e),
		describeCommand(e),
		applyCommand(e),
		patchCommand(e),
		deleteCommand(e),
		pauseCommand(e),
		resumeCommand(e),
		stopCommand(e),
		restartCommand(e),
		offsetsCommand(e),
		validateCommand(e),
		pluginsCommand(e),
		loggersCommand(e),
		configCommand(e),
		invokeCommand(e), icebergCommand(e),
		demoCommand(e), benchCommand(e),
		devCommand(e), uiCommand(e),
		workerCommand(e), standaloneCommand(e),
		completionCommand(e),
		versionCommand(e),
	}
}
