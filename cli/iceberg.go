package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/core/connfile"
)

// icebergCommand groups the maintenance actions on the Iceberg sink's tables.
func icebergCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "iceberg",
		Usage: "maintain the tables of an Iceberg sink",
		Description: examples("Maintenance of the tables an Iceberg sink connector writes.",
			"connectless iceberg compact logs.app --connector app-logs-iceberg"),
		Subcommands: []*cli.Command{{
			Name:      "compact",
			Usage:     "rewrite a table's small data files into large ones and expire old snapshots",
			ArgsUsage: "TABLE",
			Description: examples("The catalog comes from an Iceberg sink connector: its stored configuration (--connector,\n"+
				"through the REST API) or a connector file (-f). The rewrite is one atomic snapshot that keeps\n"+
				"the sink's offsets, so the sink goes on from it; it fails, changing nothing, when the sink\n"+
				"commits meanwhile. Config provider references (${...}) in the configuration are not resolved.",
				"connectless iceberg compact logs.app --connector app-logs-iceberg",
				"connectless iceberg compact logs.app -f iceberg.json --expire-older-than 168h"),
			Flags: withFlags(
				&cli.StringFlag{Name: "connector", Usage: "Iceberg sink connector whose catalog holds the table"},
				&cli.StringFlag{Name: "filename", Aliases: []string{"f"}, Usage: "connector file (JSON, YAML or .properties) instead of --connector"},
				&cli.Int64Flag{Name: "target-file-size", Usage: "data file size to aim at, in bytes (default: the table's write.target-file-size-bytes, else 512 MiB)"},
				&cli.DurationFlag{Name: "expire-older-than", Usage: "expire snapshots older than this (e.g. 168h); 0 keeps them all"},
				&cli.IntFlag{Name: "retain-last", Value: 1, Usage: "snapshots kept whatever their age"},
				&cli.DurationFlag{Name: "remove-orphans-older-than", Usage: "delete files under the table's location that nothing references and older than this (e.g. 72h, Iceberg's remove_orphan_files default; longer than any slice); 0 keeps them"},
			),
			Action: e.icebergCompact,
		}},
	}
}

func (e *env) icebergCompact(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("%s: want one TABLE (namespace.table)", c.Command.FullName())
	}
	var props map[string]string
	switch file, name := c.String("filename"), c.String("connector"); {
	case file != "" && name != "":
		return usagef("%s: give --connector or -f, not both", c.Command.FullName())
	case file != "":
		conns, err := connfile.Load(file, e.stdin)
		if err != nil {
			return err
		}
		if len(conns) != 1 {
			return usagef("%s: %s holds %d connectors, want one", c.Command.FullName(), file, len(conns))
		}
		props = conns[0].Config
	case name != "":
		cl, err := e.client(c)
		if err != nil {
			return err
		}
		if props, err = cl.ConnectorConfig(c.Context, name); err != nil {
			return err
		}
	default:
		return usagef("%s: missing --connector NAME or -f FILE (the Iceberg sink whose catalog holds the table)", c.Command.FullName())
	}
	cat, err := iceberg.OpenCatalog(c.Context, props)
	if err != nil {
		return err
	}
	defer iceberg.CloseCatalog(cat)
	res, err := iceberg.Compact(c.Context, cat, c.Args().First(), iceberg.CompactOptions{
		TargetFileSize: c.Int64("target-file-size"), ExpireOlderThan: c.Duration("expire-older-than"), RetainLast: c.Int("retain-last"),
		OrphansOlderThan: c.Duration("remove-orphans-older-than"),
	})
	if err != nil {
		return err
	}
	p, err := e.printer(c)
	if err != nil {
		return err
	}
	if p.Format != output.Table {
		return p.Data(res)
	}
	fmt.Fprintf(e.stdout, "table/%s: %d data files (%d bytes) → %d: %d rewritten into %d; %d of %d snapshots expired; %d orphan files (%d bytes) deleted\n",
		c.Args().First(), res.FilesBefore, res.BytesBefore, res.FilesAfter, res.Rewritten, res.Added, res.Expired, res.SnapshotsBefore, res.Orphans, res.OrphanBytes)
	return nil
}
