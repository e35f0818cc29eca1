package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "version",
		Usage:       "print the version (with --server, the REST API's too)",
		Description: examples("", "connectless version", "connectless version --server --url http://localhost:8083"),
		Flags:       append(connFlags(), &cli.BoolFlag{Name: "server", Usage: "also ask the REST API for its version"}),
		Action: func(c *cli.Context) error {
			if _, err := fmt.Fprintf(e.stdout, "connectless %s\n", version); err != nil {
				return err
			}
			if !c.Bool("server") {
				return nil
			}
			cl, err := e.client(c)
			if err != nil {
				return err
			}
			info, err := cl.ServerInfo(c.Context)
			if err != nil {
				return err
			}
			cluster := ""
			if info.KafkaClusterID != nil {
				cluster = ", Kafka cluster " + *info.KafkaClusterID
			}
			_, err = fmt.Fprintf(e.stdout, "server %s (commit %s%s) at %s\n", info.Version, info.Commit, cluster, cl.URL())
			return err
		},
	}
}
