package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/config/provider"
	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store/migrate"
)

func offsetsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "offsets",
		Usage: "read, change, reset or import a connector's offsets",
		Description: examples("Changing offsets needs the connector STOPPED first: connectless stop NAME --wait.",
			"connectless offsets get orders-archive",
			"connectless offsets alter orders-archive --sink orders:0=42",
			"connectless offsets reset orders-archive",
			"connectless offsets import orders-archive --bootstrap-servers kafka:9092"),
		Subcommands: []*cli.Command{
			{
				Name: "get", ArgsUsage: "NAME", Usage: "show committed offsets",
				Description:  examples("", "connectless offsets get orders-archive -o yaml"),
				Flags:        withFlags(),
				BashComplete: e.completeConnectors,
				Action:       e.getOffsets,
			},
			{
				Name: "alter", ArgsUsage: "NAME", Usage: "write offsets of a stopped connector",
				Description: examples("-f takes Kafka Connect's body, {\"offsets\":[{\"partition\":{...},\"offset\":{...}}]}, as JSON\n"+
					"or YAML; --sink TOPIC:PARTITION=OFFSET sets a sink connector's offset (OFFSET 'null' resets it).",
					"connectless offsets alter orders-archive --sink orders:0=42 --sink orders:1=17",
					"connectless offsets alter file-source -f offsets.json"),
				Flags: withFlags(
					&cli.StringFlag{Name: "filename", Aliases: []string{"f"}, Usage: "offsets file (JSON or YAML), - for stdin"},
					&cli.StringSliceFlag{Name: "sink", Usage: "TOPIC:PARTITION=OFFSET of a sink connector; repeatable"}),
				BashComplete: e.completeConnectors,
				Action:       e.alterOffsets,
			},
			{
				Name: "reset", ArgsUsage: "NAME", Usage: "delete every offset of a stopped connector",
				Description:  examples("", "connectless stop orders-archive --wait && connectless offsets reset orders-archive"),
				Flags:        withFlags(),
				BashComplete: e.completeConnectors,
				Action: func(c *cli.Context) error {
					name, err := oneArg(c, "connector name")
					if err != nil {
						return err
					}
					cl, err := e.client(c)
					if err != nil {
						return err
					}
					msg, err := cl.ResetOffsets(c.Context, name)
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(e.stdout, "connector/%s offsets reset: %s\n", name, msg)
					return err
				},
			},
			{
				Name: "import", ArgsUsage: "NAME",
				Usage: "copy a connector's offsets from a Kafka Connect cluster (connect-offsets topic or connect-NAME group)",
				Description: examples("Reads the Kafka Connect cluster's offsets of connector --from (default NAME): a source\n"+
					"connector's from the offsets topic, a sink connector's from its consumer group, and\n"+
					"writes them to NAME through the REST API. Stop NAME first.",
					"connectless offsets import file-source --bootstrap-servers kafka:9092",
					"connectless offsets import orders-archive --bootstrap-servers kafka:9092 --from old-archive --dry-run"),
				Flags: withFlags(
					&cli.StringFlag{Name: "bootstrap-servers", Usage: "the Kafka Connect cluster's Kafka brokers, comma-separated"},
					&cli.StringFlag{Name: "command-config", Usage: "a properties file of client keys to reach a secured cluster (security.protocol, sasl.*, ssl.*), as Kafka's tools take; CONNECT_* variables of those keys win over it"},
					&cli.StringFlag{Name: "offsets-topic", Value: "connect-offsets", Usage: "the cluster's offset.storage.topic"},
					&cli.StringFlag{Name: "from", Usage: "connector name on the Kafka Connect cluster (default NAME)"},
					&cli.StringFlag{Name: "group", Usage: "sink connector's consumer group (default connect-<from>)"},
					&cli.BoolFlag{Name: "dry-run", Usage: "print the offsets that would be written"}),
				BashComplete: e.completeConnectors,
				Action:       e.importOffsets,
			},
		},
	}
}

func (e *env) alterOffsets(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	var offs client.ConnectorOffsets
	file, sinks := c.String("filename"), c.StringSlice("sink")
	switch {
	case file != "" && len(sinks) > 0:
		return usagef("offsets alter: give -f or --sink, not both")
	case file != "":
		if offs, err = readOffsetsFile(file, e); err != nil {
			return err
		}
	case len(sinks) > 0:
		for _, s := range sinks {
			o, err := parseSinkOffset(s)
			if err != nil {
				return err
			}
			offs.Offsets = append(offs.Offsets, o)
		}
	default:
		return usagef("offsets alter: give -f FILE or --sink TOPIC:PARTITION=OFFSET")
	}
	cl, err := e.client(c)
	if err != nil {
		return err
	}
	msg, err := cl.AlterOffsets(c.Context, name, offs)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "connector/%s offsets altered: %s\n", name, msg)
	return err
}

func parseSinkOffset(s string) (client.ConnectorOffset, error) {
	tp, off, ok := strings.Cut(s, "=")
	i := strings.LastIndexByte(tp, ':')
	if !ok || i <= 0 {
		return client.ConnectorOffset{}, usagef("offsets alter: --sink %q: want TOPIC:PARTITION=OFFSET such as orders:0=42", s)
	}
	part, err := strconv.ParseInt(tp[i+1:], 10, 32)
	if err != nil || part < 0 {
		return client.ConnectorOffset{}, usagef("offsets alter: --sink %q: partition %q is not a number", s, tp[i+1:])
	}
	o := client.ConnectorOffset{Partition: map[string]any{"kafka_topic": tp[:i], "kafka_partition": part}}
	if strings.TrimSpace(off) == "null" {
		return o, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(off), 10, 64)
	if err != nil || n < 0 {
		return client.ConnectorOffset{}, usagef("offsets alter: --sink %q: offset %q is not a number (or null to reset)", s, off)
	}
	o.Offset = map[string]any{"kafka_offset": n}
	return o, nil
}

func readOffsetsFile(path string, e *env) (client.ConnectorOffsets, error) {
	var data []byte
	var err error
	if path == "-" {
		var b bytes.Buffer
		_, err = b.ReadFrom(e.stdin)
		data = b.Bytes()
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return client.ConnectorOffsets{}, fmt.Errorf("read offsets file %s: %w", path, err)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] != '{' {
		if data, err = yamlToJSON(data); err != nil {
			return client.ConnectorOffsets{}, fmt.Errorf("offsets file %s: %w", path, err)
		}
	}
	var offs client.ConnectorOffsets
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&offs); err != nil {
		return offs, fmt.Errorf("offsets file %s: %w: want {\"offsets\":[{\"partition\":{...},\"offset\":{...}}]}", path, err)
	}
	if len(offs.Offsets) == 0 {
		return offs, fmt.Errorf("offsets file %s lists no offsets", path)
	}
	return offs, nil
}

// commandConfig builds the Kafka client options from --command-config (Kafka's tools' file
// of client properties) and the CONNECT_* variables of the client keys (CONNECT_SECURITY_PROTOCOL,
// CONNECT_SASL_JAAS_CONFIG, …), which win over the file as they do for the worker.
func commandConfig(c *cli.Context, e *env, brokers []string) (kafka.Options, error) {
	props := map[string]string{}
	if path := c.String("command-config"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return kafka.Options{}, fmt.Errorf("--command-config: %w", err)
		}
		defer f.Close()
		if props, err = provider.ParseProperties(f); err != nil {
			return kafka.Options{}, fmt.Errorf("--command-config %s: %w", path, err)
		}
	}
	for _, k := range kafka.SecurityKeys {
		if v := e.getenv(workerprops.EnvName(k)); v != "" {
			props[k] = v
		}
	}
	cfg, err := kafka.ParseClientConfig(props)
	if err != nil {
		return kafka.Options{}, fmt.Errorf("client keys (--command-config, CONNECT_*): %w", err)
	}
	cfg.Brokers = brokers
	return cfg.WorkerOptions(c.Context, kafka.BuildOptions{})
}

func yamlToJSON(data []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func (e *env) importOffsets(c *cli.Context) error {
	name, err := oneArg(c, "connector name")
	if err != nil {
		return err
	}
	brokers := workerprops.SplitList(c.String("bootstrap-servers"))
	if len(brokers) == 0 {
		return usagef("offsets import: missing --bootstrap-servers of the Kafka Connect cluster")
	}
	p, cl, err := e.printerAndClient(c)
	if err != nil {
		return err
	}
	info, err := cl.Connector(c.Context, name)
	if err != nil {
		return err
	}
	from := cmpOr(c.String("from"), name)
	cluster := migrate.Cluster{Brokers: brokers, OffsetsTopic: c.String("offsets-topic"), SinkGroup: c.String("group")}
	if cluster.Client, err = commandConfig(c, e, brokers); err != nil {
		return err
	}
	var offs client.ConnectorOffsets
	switch info.Type {
	case "sink":
		got, err := migrate.ReadSinkOffsets(c.Context, cluster, from)
		if err != nil {
			return cluster.Client.Explain(err)
		}
		for tp, off := range got {
			offs.Offsets = append(offs.Offsets, client.ConnectorOffset{
				Partition: map[string]any{"kafka_topic": tp.Topic, "kafka_partition": tp.Partition},
				Offset:    map[string]any{"kafka_offset": off}})
		}
	case "source":
		got, err := migrate.ReadSourceOffsets(c.Context, cluster, from)
		if err != nil {
			return cluster.Client.Explain(err)
		}
		for _, o := range got {
			offs.Offsets = append(offs.Offsets, client.ConnectorOffset{Partition: o.Partition, Offset: o.Offset})
		}
	default:
		return fmt.Errorf("connector %s has type %q: its plugin is unknown to the worker, so sink or source offsets cannot be chosen", name, info.Type)
	}
	if len(offs.Offsets) == 0 {
		return fmt.Errorf("the Kafka Connect cluster at %s has no offsets for connector %s: check --from, --offsets-topic or --group", strings.Join(brokers, ","), from)
	}
	if c.Bool("dry-run") {
		if p.Format == output.Table {
			fmt.Fprintf(e.stdout, "connector/%s would get %d offsets:\n", name, len(offs.Offsets))
		}
		return printOffsets(e, p, name, offs)
	}
	msg, err := cl.AlterOffsets(c.Context, name, offs)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "connector/%s: imported %d offsets from %s: %s\n", name, len(offs.Offsets), strings.Join(brokers, ","), msg)
	return err
}
