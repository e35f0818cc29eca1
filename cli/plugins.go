package main

import (
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
)

func pluginsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name: "plugins", ArgsUsage: "[PLUGIN]",
		Usage: "list plugins, or document one plugin's configuration keys",
		Description: examples("",
			"connectless plugins",
			"connectless plugins --all",
			"connectless plugins S3SinkConnector",
			"connectless plugins io.confluent.connect.s3.S3SinkConnector -o json"),
		Flags:  withFlags(&cli.BoolFlag{Name: "all", Usage: "also transformations, predicates and converters"}),
		Action: e.plugins,
	}
}

func (e *env) plugins(c *cli.Context) error {
	if c.NArg() == 0 {
		return e.getPlugins(c)
	}
	name, err := oneArg(c, "plugin class")
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	keys, err := cl.PluginConfig(c.Context, name)
	if err != nil {
		return err
	}
	if p.Format != output.Table {
		return p.Data(keys)
	}
	if len(keys) == 0 {
		_, err := fmt.Fprintf(e.stdout, "Plugin %s has no configuration keys.\n", name)
		return err
	}
	rows := [][]string{}
	for _, k := range keys {
		def := ""
		if k.DefaultValue != nil {
			def = *k.DefaultValue
			if def == "" {
				def = `""`
			}
		}
		doc := ""
		if k.Documentation != nil {
			doc = output.Truncate(output.FirstLine(*k.Documentation), 72)
		}
		rows = append(rows, []string{k.Name, string(k.Type), strconv.FormatBool(k.Required), def, string(k.Importance), doc})
	}
	return p.Table([]string{"KEY", "TYPE", "REQUIRED", "DEFAULT", "IMPORTANCE", "DOCUMENTATION"}, rows)
}
