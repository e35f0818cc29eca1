package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/client"
)

func getCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "get",
		Usage: "list connectors, plugins, tasks or offsets",
		Description: examples("",
			"connectless get connectors",
			"connectless get plugins --all -o yaml",
			"connectless get tasks orders-archive",
			"connectless get offsets orders-archive -o json"),
		Subcommands: []*cli.Command{
			{
				Name: "connectors", Aliases: []string{"connector", "conn", "c"},
				Usage:       "list connectors with their type, state and tasks",
				Description: examples("", "connectless get connectors", "connectless get connectors -o json"),
				Flags:       withFlags(),
				Action:      e.getConnectors,
			},
			{
				Name: "plugins", Aliases: []string{"plugin"},
				Usage:       "list connector plugins (--all: also transformations, predicates, converters)",
				Description: examples("", "connectless get plugins", "connectless get plugins --all"),
				Flags:       withFlags(&cli.BoolFlag{Name: "all", Usage: "also transformations, predicates and converters"}),
				Action:      e.getPlugins,
			},
			{
				Name: "tasks", Aliases: []string{"task"}, ArgsUsage: "CONNECTOR",
				Usage:        "list a connector's tasks with their state",
				Description:  examples("", "connectless get tasks orders-archive"),
				Flags:        withFlags(),
				Action:       e.getTasks,
				BashComplete: e.completeConnectors,
			},
			{
				Name: "offsets", Aliases: []string{"offset"}, ArgsUsage: "CONNECTOR",
				Usage:        "show a connector's committed offsets",
				Description:  examples("", "connectless get offsets orders-archive"),
				Flags:        withFlags(),
				Action:       e.getOffsets,
				BashComplete: e.completeConnectors,
			},
		},
	}
}

func (e *env) getConnectors(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("get connectors takes no arguments; to see one connector: connectless describe connector %s", c.Args().First())
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	all, err := cl.ConnectorsExpanded(c.Context)
	if err != nil {
		return err
	}
	if p.Format != output.Table {
		for name, x := range all {
			if x.Info != nil {
				info := *x.Info
				info.Config = newRedactor(c.Context, cl, info.Config["connector.class"]).config(info.Config)
				x.Info = &info
				all[name] = x
			}
		}
		return p.Data(all)
	}
	// Kafka's expand leaves out connectors without a status yet: list them too.
	if names, err := cl.Connectors(c.Context); err == nil {
		for _, n := range names {
			if _, ok := all[n]; !ok {
				all[n] = client.Expanded{}
			}
		}
	}
	if len(all) == 0 {
		_, err := fmt.Fprintln(e.stdout, "No connectors. Create one with: connectless apply -f FILE")
		return err
	}
	rows := [][]string{}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		x := all[name]
		typ, state, tasks, class := "", "UNKNOWN", "", ""
		if x.Info != nil {
			typ, class = x.Info.Type, x.Info.Config["connector.class"]
		}
		if x.Status != nil {
			state = x.Status.Connector.State
			typ = x.Status.Type
			running := 0
			for _, t := range x.Status.Tasks {
				if t.State == "RUNNING" {
					running++
				}
			}
			total := len(x.Status.Tasks)
			if x.Info != nil {
				total = max(total, len(x.Info.Tasks))
			}
			tasks = fmt.Sprintf("%d/%d", running, total)
		}
		rows = append(rows, []string{name, typ, p.State(state), tasks, class})
	}
	return p.Table([]string{"NAME", "TYPE", "STATE", "TASKS", "CLASS"}, rows)
}

func (e *env) getPlugins(c *cli.Context) error {
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	plugins, err := cl.Plugins(c.Context, c.Bool("all"))
	if err != nil {
		return err
	}
	if p.Format != output.Table {
		return p.Data(plugins)
	}
	rows := [][]string{}
	for _, pl := range plugins {
		rows = append(rows, []string{pl.Type, pl.Class, pl.Version})
	}
	return p.Table([]string{"TYPE", "CLASS", "VERSION"}, rows)
}

// taskRow is one task in get tasks' json and yaml output.
type taskRow struct {
	ID       int    `json:"id"`
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
	// Note and Gauges are what the task reported in its last slice, read from its
	// trace (describe only).
	Note   string             `json:"note,omitempty"`
	Gauges map[string]float64 `json:"gauges,omitempty"`
	Config map[string]string  `json:"config"`
}

func (e *env) getTasks(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	tasks, err := cl.Tasks(c.Context, name)
	if err != nil {
		return err
	}
	states := map[int]client.TaskState{}
	if st, err := cl.ConnectorStatus(c.Context, name); err == nil {
		for _, t := range st.Tasks {
			states[t.ID] = t
		}
	}
	redact := newRedactor(c.Context, cl, "")
	rows := []taskRow{}
	for _, t := range tasks {
		st := states[t.ID.Task]
		if st.State == "" {
			st.State = "UNASSIGNED"
		}
		rows = append(rows, taskRow{ID: t.ID.Task, State: st.State, WorkerID: st.WorkerID, Trace: st.Trace, Config: redact.config(t.Config)})
	}
	if p.Format != output.Table {
		return p.Data(rows)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintf(e.stdout, "Connector %s has no tasks.\n", name)
		return err
	}
	table := [][]string{}
	for _, r := range rows {
		table = append(table, []string{strconv.Itoa(r.ID), p.State(r.State), r.WorkerID, output.FirstLine(r.Trace)})
	}
	return p.Table([]string{"ID", "STATE", "WORKER", "TRACE"}, table)
}

func (e *env) getOffsets(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	offs, err := cl.Offsets(c.Context, name)
	if err != nil {
		return err
	}
	return printOffsets(e, p, name, offs)
}

func printOffsets(e *env, p *output.Printer, name string, offs client.ConnectorOffsets) error {
	if p.Format != output.Table {
		return p.Data(offs)
	}
	if len(offs.Offsets) == 0 {
		_, err := fmt.Fprintf(e.stdout, "Connector %s has no committed offsets.\n", name)
		return err
	}
	sink := true
	for _, o := range offs.Offsets {
		m, _ := o.Partition.(map[string]any)
		if _, ok := m["kafka_topic"]; !ok {
			sink = false
		}
	}
	rows := [][]string{}
	if sink {
		for _, o := range offs.Offsets {
			pm, _ := o.Partition.(map[string]any)
			om, _ := o.Offset.(map[string]any)
			rows = append(rows, []string{fmt.Sprint(pm["kafka_topic"]), fmt.Sprint(pm["kafka_partition"]), fmt.Sprint(om["kafka_offset"])})
		}
		return p.Table([]string{"TOPIC", "PARTITION", "OFFSET"}, rows)
	}
	for _, o := range offs.Offsets {
		rows = append(rows, []string{compact(o.Partition), compact(o.Offset)})
	}
	return p.Table([]string{"PARTITION", "OFFSET"}, rows)
}

// compact renders a value as one-line JSON.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(b))
}

// completeConnectors completes connector names from the server, silently on error.
func (e *env) completeConnectors(c *cli.Context) {
	if c.NArg() > 0 {
		return
	}
	cl, err := e.client(c)
	if err != nil {
		return
	}
	names, err := cl.Connectors(c.Context)
	if err != nil {
		return
	}
	for _, n := range names {
		fmt.Fprintln(e.stdout, n)
	}
}
