// Command connectless runs and manages Kafka-Connect-style connectors: connector CRUD against the
// REST API, a long-lived worker, standalone mode and a local demo. This first cut only reports
// its version.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	app := &cli.App{
		Name:    "connectless",
		Usage:   "Kafka Connect, serverless",
		Version: version,
		Commands: []*cli.Command{
			{
				Name:  "version",
				Usage: "print the version",
				Action: func(c *cli.Context) error {
					_, err := fmt.Fprintf(c.App.Writer, "connectless %s\n", version)
					return err
				},
			},
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "connectless:", err)
		os.Exit(1)
	}
}
