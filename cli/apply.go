package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/connfile"
)

func fileFlag() *cli.StringSliceFlag {
	return &cli.StringSliceFlag{Name: "filename", Aliases: []string{"f"}, Usage: "connector file (JSON, YAML or .properties), directory, or - for stdin; repeatable"}
}

func applyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "create or update connectors from files",
		ArgsUsage: " ",
		Description: examples("A file holds a flat map of configuration keys with \"name\", or {\"name\", \"config\", \"initial_state\"},\n"+
			"as JSON or YAML (several YAML documents, or a JSON array, for several connectors), or a\n"+
			".properties file. A directory applies each such file in it.",
			"connectless apply -f orders-archive.json",
			"connectless apply -f connectors/ --dry-run",
			"connectless apply -f datagen.properties --wait",
			"cat c.yaml | connectless apply -f -"),
		Flags: withFlags(append(waitFlags(), fileFlag(),
			&cli.BoolFlag{Name: "dry-run", Usage: "validate and print the changes against the current config; change nothing"})...),
		Action: e.apply,
	}
}

// applyResult is one connector's outcome in apply's json and yaml output.
type applyResult struct {
	Name   string   `json:"name"`
	Action string   `json:"action"`
	Diff   []string `json:"diff,omitempty"`
	Errors []string `json:"errors,omitempty"`
}

func (e *env) loadFiles(c *cli.Context) ([]connfile.Connector, error) {
	files := c.StringSlice("filename")
	if len(files) == 0 {
		return nil, usagef("%s: missing -f FILE (a connector file, a directory, or - for stdin)", c.Command.FullName())
	}
	if c.NArg() > 0 {
		return nil, usagef("%s: unexpected argument %q: files go after -f", c.Command.FullName(), c.Args().First())
	}
	var out []connfile.Connector
	seen := map[string]string{}
	for _, f := range files {
		cs, err := connfile.Load(f, e.stdin)
		if err != nil {
			return nil, err
		}
		for _, cn := range cs {
			if prev, ok := seen[cn.Name]; ok {
				return nil, fmt.Errorf("%w: connector %q is defined twice, in %s and %s", connfile.ErrInvalid, cn.Name, prev, cn.Source)
			}
			seen[cn.Name] = cn.Source
			out = append(out, cn)
		}
	}
	return out, nil
}

func (e *env) apply(c *cli.Context) error {
	conns, err := e.loadFiles(c)
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	dry := c.Bool("dry-run")
	var results []applyResult
	failed := 0
	for _, cn := range conns {
		res, err := e.apply1(c, cl, cn, dry)
		if err != nil {
			return fmt.Errorf("connector %s (%s): %w", cn.Name, cn.Source, err)
		}
		if len(res.Errors) > 0 {
			failed++
		}
		results = append(results, res)
		if p.Format == output.Table {
			printApplyResult(e, p, res, dry)
		}
	}
	if p.Format != output.Table {
		if err := p.Data(results); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d connectors have an invalid configuration", failed, len(results))
	}
	if c.Bool("wait") && !dry {
		for i, cn := range conns {
			if results[i].Action == "unchanged" {
				continue
			}
			want := cmpOr(cn.InitialState, "RUNNING")
			if results[i].Action == "configured" {
				want = "RUNNING"
				if st, err := cl.ConnectorStatus(c.Context, cn.Name); err == nil && (st.Connector.State == "PAUSED" || st.Connector.State == "STOPPED") {
					want = st.Connector.State
				}
			}
			if err := e.waitState(c, cl, cn.Name, want); err != nil {
				return err
			}
		}
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (e *env) apply1(c *cli.Context, cl *client.Client, cn connfile.Connector, dry bool) (applyResult, error) {
	ctx := c.Context
	res := applyResult{Name: cn.Name}
	current, err := cl.ConnectorConfig(ctx, cn.Name)
	exists := err == nil
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		return res, err
	}
	redact := newRedactor(ctx, cl, cn.Config["connector.class"])
	if dry {
		infos, err := cl.Validate(ctx, cn.Config)
		if err != nil {
			return res, err
		}
		res.Errors = configErrors(infos)
		res.Diff = diffConfig(current, cn.Config, redact)
		switch {
		case !exists:
			res.Action = "would be created"
		case len(res.Diff) == 0:
			res.Action = "unchanged"
		default:
			res.Action = "would be configured"
		}
		return res, nil
	}
	switch {
	case !exists:
		if _, err := cl.CreateConnector(ctx, cn.Name, cn.Config, cn.InitialState); err != nil {
			return res, err
		}
		res.Action = "created"
	case maps.Equal(current, cn.Config):
		res.Action = "unchanged"
	default:
		res.Diff = diffConfig(current, cn.Config, redact)
		if _, _, err := cl.PutConnectorConfig(ctx, cn.Name, cn.Config); err != nil {
			return res, err
		}
		res.Action = "configured"
	}
	return res, nil
}

func printApplyResult(e *env, p *output.Printer, r applyResult, dry bool) {
	fmt.Fprintf(e.stdout, "connector/%s %s\n", r.Name, r.Action)
	if dry {
		for _, d := range r.Diff {
			color := output.Yellow
			switch d[0] {
			case '+':
				color = output.Green
			case '-':
				color = output.Red
			}
			fmt.Fprintf(e.stdout, "  %s\n", p.Paint(color, d))
		}
	}
	for _, msg := range r.Errors {
		fmt.Fprintf(e.stdout, "  %s %s\n", p.Paint(output.Red, "invalid:"), msg)
	}
}

// diffConfig lists the changes from current to desired: "+ key: value", "- key: value",
// "~ key: old -> new", sorted by key, secrets hidden.
func diffConfig(current, desired map[string]string, r *redactor) []string {
	keys := slices.Sorted(maps.Keys(desired))
	for k := range current {
		if _, ok := desired[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		old, had := current[k]
		nw, has := desired[k]
		switch {
		case had && !has:
			out = append(out, fmt.Sprintf("- %s: %s", k, r.value(k, old)))
		case !had && has:
			out = append(out, fmt.Sprintf("+ %s: %s", k, r.value(k, nw)))
		case old != nw:
			if r.secret(k) && !strings.Contains(old+nw, "${") {
				out = append(out, fmt.Sprintf("~ %s: [hidden] -> [hidden] (changed)", k))
			} else {
				out = append(out, fmt.Sprintf("~ %s: %s -> %s", k, r.value(k, old), r.value(k, nw)))
			}
		}
	}
	return out
}

// configErrors lists a validation's errors as "key: message".
func configErrors(infos client.ConfigInfos) []string {
	var out []string
	for _, ci := range infos.Configs {
		if ci.Value == nil {
			continue
		}
		for _, msg := range ci.Value.Errors {
			out = append(out, fmt.Sprintf("%s: %s", ci.Value.Name, msg))
		}
	}
	return out
}

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "validate connector files against their plugins without changing anything",
		ArgsUsage: " ",
		Description: examples("Exits 1 when a configuration is invalid.",
			"connectless validate -f orders-archive.yaml",
			"connectless validate -f connectors/ -o json"),
		Flags:  withFlags(fileFlag()),
		Action: e.validate,
	}
}

func (e *env) validate(c *cli.Context) error {
	conns, err := e.loadFiles(c)
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	var all []client.ConfigInfos
	invalid := 0
	for _, cn := range conns {
		infos, err := cl.Validate(c.Context, cn.Config)
		if err != nil {
			return fmt.Errorf("connector %s (%s): %w", cn.Name, cn.Source, err)
		}
		all = append(all, infos)
		if infos.ErrorCount > 0 {
			invalid++
		}
		if p.Format != output.Table {
			continue
		}
		if infos.ErrorCount == 0 {
			fmt.Fprintf(e.stdout, "connector/%s: configuration is valid\n", cn.Name)
			continue
		}
		fmt.Fprintf(e.stdout, "connector/%s: %d error(s)\n", cn.Name, infos.ErrorCount)
		rows := [][]string{}
		for _, ci := range infos.Configs {
			if ci.Value == nil {
				continue
			}
			for _, msg := range ci.Value.Errors {
				rows = append(rows, []string{ci.Value.Name, msg})
			}
		}
		ip := *p
		ip.W = &indenter{w: e.stdout, pad: "  "}
		if err := ip.Table([]string{"KEY", "ERROR"}, rows); err != nil {
			return err
		}
	}
	if p.Format != output.Table {
		if err := p.Data(all); err != nil {
			return err
		}
	}
	if invalid > 0 {
		return fmt.Errorf("%d of %d connectors have an invalid configuration", invalid, len(conns))
	}
	return nil
}

func patchCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "patch",
		Usage:       "change some keys of a connector's configuration",
		Description: examples("", "connectless patch connector orders-archive --set tasks.max=4 --unset transforms"),
		Subcommands: []*cli.Command{{
			Name: "connector", Aliases: []string{"connectors", "conn", "c"}, ArgsUsage: "NAME",
			Usage: "set keys with --set k=v and remove keys with --unset k (Kafka 3.8's PATCH)",
			Description: examples("",
				"connectless patch connector orders-archive --set tasks.max=4",
				"connectless patch connector orders-archive --set flush.size=1000 --unset rotate.interval.ms"),
			Flags: withFlags(
				&cli.StringSliceFlag{Name: "set", Usage: "key=value to set; repeatable"},
				&cli.StringSliceFlag{Name: "unset", Usage: "key to remove; repeatable"}),
			BashComplete: e.completeConnectors,
			Action:       e.patch,
		}},
	}
}

func (e *env) patch(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	patch := map[string]*string{}
	for _, kv := range c.StringSlice("set") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return usagef("patch: --set %q: want key=value", kv)
		}
		patch[strings.TrimSpace(k)] = &v
	}
	for _, k := range c.StringSlice("unset") {
		if strings.TrimSpace(k) == "" {
			return usagef("patch: --unset needs a key")
		}
		if _, ok := patch[k]; ok {
			return usagef("patch: key %q is both --set and --unset", k)
		}
		patch[strings.TrimSpace(k)] = nil
	}
	if len(patch) == 0 {
		return usagef("patch: nothing to change: give --set key=value or --unset key")
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	info, err := cl.PatchConnectorConfig(c.Context, name, patch)
	if err != nil {
		return err
	}
	if p.Format != output.Table {
		info.Config = newRedactor(c.Context, cl, info.Config["connector.class"]).config(info.Config)
		return p.Data(info)
	}
	_, err = fmt.Fprintf(e.stdout, "connector/%s patched\n", name)
	return err
}
