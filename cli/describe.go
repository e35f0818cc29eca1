package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/schedule"
)

func describeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "describe",
		Usage:       "show one connector in full",
		Description: examples("", "connectless describe connector orders-archive", "connectless describe connector orders-archive -o yaml"),
		Subcommands: []*cli.Command{{
			Name: "connector", Aliases: []string{"connectors", "conn", "c"}, ArgsUsage: "NAME",
			Usage: "config (secrets hidden), converters with their Schema Registry subjects, status, tasks, topics and offsets of a connector",
			Description: examples("Secret values (PASSWORD keys of the plugin, and keys such as *.password) show as [hidden];\n"+
				"config-provider references such as ${env:DB_PASSWORD} show as written.",
				"connectless describe connector orders-archive",
				"connectless describe connector orders-archive -o json | jq .tasks"),
			Flags:        withFlags(),
			Action:       e.describeConnector,
			BashComplete: e.completeConnectors,
		}},
	}
}

// description is describe connector's json and yaml output.
type description struct {
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	State    string            `json:"state"`
	WorkerID string            `json:"worker_id"`
	Trace    string            `json:"trace,omitempty"`
	Config   map[string]string `json:"config"`
	// Converters are the key and value converters, with Schema Registry subjects.
	Converters []converterInfo          `json:"converters"`
	Tasks      []taskRow                `json:"tasks"`
	Topics     []string                 `json:"topics"`
	Offsets    []client.ConnectorOffset `json:"offsets"`
}

func (e *env) describeConnector(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	ctx := c.Context
	info, err := cl.Connector(ctx, name)
	if err != nil {
		return err
	}
	redact := newRedactor(ctx, cl, info.Config["connector.class"])
	d := description{Name: name, Type: info.Type, State: "UNKNOWN", Config: redact.config(info.Config), Tasks: []taskRow{}, Topics: []string{}, Offsets: []client.ConnectorOffset{}}
	states := map[int]client.TaskState{}
	st, err := cl.ConnectorStatus(ctx, name)
	switch {
	case err == nil:
		d.State, d.WorkerID, d.Trace = st.Connector.State, st.Connector.WorkerID, st.Connector.Trace
		for _, t := range st.Tasks {
			states[t.ID] = t
		}
	case !errors.Is(err, client.ErrNotFound):
		return err
	}
	tasks, err := cl.Tasks(ctx, name)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		ts := states[t.ID.Task]
		if ts.State == "" {
			ts.State = "UNASSIGNED"
		}
		note := schedule.ParseNote(ts.Trace)
		d.Tasks = append(d.Tasks, taskRow{ID: t.ID.Task, State: ts.State, WorkerID: ts.WorkerID, Trace: ts.Trace,
			Note: note.TaskNote, Gauges: note.Gauges, Config: redact.config(t.Config)})
	}
	if topics, err := cl.Topics(ctx, name); err == nil && topics != nil {
		d.Topics = topics
	}
	if offs, err := cl.Offsets(ctx, name); err == nil && offs.Offsets != nil {
		d.Offsets = offs.Offsets
	}
	d.Converters = describeConverters(info.Config, d.Topics)
	if p.Format != output.Table {
		return p.Data(d)
	}
	return printDescription(e, p, d)
}

func printDescription(e *env, p *output.Printer, d description) error {
	w := e.stdout
	fields := [][2]string{{"Name", d.Name}, {"Type", d.Type}, {"State", p.State(d.State)}, {"Worker ID", d.WorkerID}}
	if d.Trace != "" {
		fields = append(fields, [2]string{"Trace", output.FirstLine(d.Trace)})
	}
	if err := p.Fields(0, fields); err != nil {
		return err
	}
	fmt.Fprintln(w, "Config:")
	var cfg [][2]string
	for _, k := range slices.Sorted(maps.Keys(d.Config)) {
		cfg = append(cfg, [2]string{k, d.Config[k]})
	}
	if err := p.Fields(2, cfg); err != nil {
		return err
	}
	fmt.Fprintln(w, "Converters:")
	if err := p.Fields(2, converterFields(d.Converters)); err != nil {
		return err
	}
	fmt.Fprintln(w, "Tasks:")
	if len(d.Tasks) == 0 {
		fmt.Fprintln(w, "  none")
	} else {
		rows := [][]string{}
		for _, t := range d.Tasks {
			rows = append(rows, []string{strconv.Itoa(t.ID), p.State(t.State), t.WorkerID, output.FirstLine(t.Trace)})
		}
		ip := *p
		ip.W = &indenter{w: w, pad: "  "}
		if err := ip.Table([]string{"ID", "STATE", "WORKER", "TRACE"}, rows); err != nil {
			return err
		}
		for _, t := range d.Tasks {
			if t.Note != "" {
				fmt.Fprintf(w, "  task %d note: %s\n", t.ID, t.Note)
			}
			if len(t.Gauges) > 0 {
				kv := make([]string, 0, len(t.Gauges))
				for _, name := range slices.Sorted(maps.Keys(t.Gauges)) {
					kv = append(kv, name+"="+strconv.FormatFloat(t.Gauges[name], 'f', -1, 64))
				}
				fmt.Fprintf(w, "  task %d gauges: %s\n", t.ID, strings.Join(kv, " "))
			}
		}
	}
	topics := "none"
	if len(d.Topics) > 0 {
		topics = strings.Join(d.Topics, ", ")
	}
	fmt.Fprintf(w, "Topics: %s\n", topics)
	fmt.Fprintln(w, "Offsets:")
	if len(d.Offsets) == 0 {
		_, err := fmt.Fprintln(w, "  none")
		return err
	}
	ip := *p
	ip.W = &indenter{w: w, pad: "  "}
	return printOffsets(e, &ip, d.Name, client.ConnectorOffsets{Offsets: d.Offsets})
}

// indenter prefixes every line written through it.
type indenter struct {
	w       interface{ Write([]byte) (int, error) }
	pad     string
	midLine bool
}

func (in *indenter) Write(b []byte) (int, error) {
	var out []byte
	for _, c := range b {
		if !in.midLine {
			out = append(out, in.pad...)
			in.midLine = true
		}
		out = append(out, c)
		if c == '\n' {
			in.midLine = false
		}
	}
	if _, err := in.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}
