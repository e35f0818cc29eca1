package datagen

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = "0.1.0"

// Class is the class name users put in connector.class: Confluent's.
const Class = "io.confluent.kafka.connect.datagen.DatagenConnector"

// Plugin describes the datagen source for the connector registry.
var Plugin = connect.Plugin{
	Class:   Class,
	Type:    connect.PluginSource,
	Version: Version,
	New:     func() connect.Connector { return &Connector{} },
}

// Config keys, as Confluent's datagen names them.
const (
	TopicConfig          = "kafka.topic"
	MaxIntervalConfig    = "max.interval"
	IterationsConfig     = "iterations"
	SchemaFilenameConfig = "schema.filename"
	SchemaStringConfig   = "schema.string"
	SchemaKeyFieldConfig = "schema.keyfield"
	QuickstartConfig     = "quickstart"
	RandomSeedConfig     = "random.seed"
	// TaskIDConfig is set by the connector in each task configuration.
	TaskIDConfig = "task.id"
)

// Source partition and offset fields, as Confluent's datagen writes them.
const (
	TaskIDField           = "task.id"
	CurrentIterationField = "current.iteration"
)

// ErrConfig is wrapped by configuration errors found beyond the ConfigDef.
var ErrConfig = errors.New("invalid datagen configuration")

// ConfigDef describes the datagen keys.
func ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: TopicConfig, Type: connect.ConfigString, Required: true,
			Validator: connect.NonEmptyStringWithoutControlChars(), Importance: connect.High,
			Doc: "Topic to write to. No default. Mirrors Confluent datagen's kafka.topic."}).
		Define(connect.ConfigKey{Name: MaxIntervalConfig, Type: connect.ConfigLong, Default: 500,
			Validator: connect.AtLeast[int64](0), Importance: connect.High,
			Doc: "Max interval between messages (ms): each record waits a random time up to this after the previous one, " +
				"so one task makes about 2000/max.interval records per second; 0 generates as fast as possible. Default 500. Mirrors Confluent datagen's max.interval."}).
		Define(connect.ConfigKey{Name: IterationsConfig, Type: connect.ConfigInt, Default: 1000000, Importance: connect.High,
			Doc: "Number of messages to send from each task, or less than 1 for unlimited. Default 1000000. Mirrors Confluent datagen's iterations."}).
		Define(connect.ConfigKey{Name: SchemaFilenameConfig, Type: connect.ConfigString, Default: "", Importance: connect.High,
			Doc: "File holding an Avro record schema with arg.properties, read where the connector starts. Default empty. Mirrors Confluent datagen's schema.filename."}).
		Define(connect.ConfigKey{Name: SchemaStringConfig, Type: connect.ConfigString, Default: "", Importance: connect.High,
			Doc: "Avro record schema with arg.properties (options, range, iteration, regex) describing the values to generate. Default empty. Mirrors Confluent datagen's schema.string."}).
		Define(connect.ConfigKey{Name: SchemaKeyFieldConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Doc: "Value field copied into the record key; empty means the quickstart's key field (none for a schema). Default empty. Mirrors Confluent datagen's schema.keyfield."}).
		Define(connect.ConfigKey{Name: QuickstartConfig, Type: connect.ConfigString, Default: "", Importance: connect.High,
			Validator: connect.ValidatorFunc(func(name string, v any) error {
				s, _ := v.(string)
				if s == "" {
					return nil
				}
				if _, ok := quickstart(strings.ToLower(s)); !ok {
					return fmt.Errorf("unknown quickstart; built in: %s", strings.Join(Quickstarts(), ", "))
				}
				return nil
			}, "one of "+strings.Join(Quickstarts(), ", ")),
			Doc: "Built-in template: applogs (application log lines, keyed by host), users, orders, pageviews or clickstream. " +
				"Exactly one of quickstart, schema.string and schema.filename is set. Default empty. Mirrors Confluent datagen's quickstart."}).
		Define(connect.ConfigKey{Name: RandomSeedConfig, Type: connect.ConfigLong, Importance: connect.Low,
			Doc: "Seed for reproducible output: the same seed gives the same records, timestamps included (a fixed clock from " +
				"2024-01-01T00:00:00Z, 10 ms per record). Default null (random, wall-clock timestamps). Mirrors Confluent datagen's random.seed."}).
		Define(connect.ConfigKey{Name: TaskIDConfig, Type: connect.ConfigInt, Default: 0, Internal: true,
			Doc: "Task number, set by the connector in each task configuration."})
}

// settings is a parsed datagen configuration.
type settings struct {
	topic       string
	maxInterval int64
	iterations  int64
	template    *Template
	seed        uint64
	seeded      bool
	taskID      int
}

// parse reads and checks a configuration, resolving its template.
func parse(props map[string]string) (settings, error) {
	v, err := ConfigDef().Parse(props)
	if err != nil {
		return settings{}, fmt.Errorf("datagen: %w", err)
	}
	s := settings{topic: v.String(TopicConfig), maxInterval: v.Long(MaxIntervalConfig),
		iterations: int64(v.Int(IterationsConfig)), taskID: int(v.Int(TaskIDConfig))}
	if v.Get(RandomSeedConfig) != nil {
		s.seed, s.seeded = uint64(v.Long(RandomSeedConfig)), true
	}
	if s.template, err = resolveTemplate(v.String(QuickstartConfig), v.String(SchemaStringConfig), v.String(SchemaFilenameConfig), v.String(SchemaKeyFieldConfig)); err != nil {
		return settings{}, err
	}
	return s, nil
}

// resolveTemplate returns the template selected by exactly one of the three keys, with its
// key field overridden by keyField when set.
func resolveTemplate(qs, schema, filename, keyField string) (*Template, error) {
	set := 0
	for _, s := range []string{qs, schema, filename} {
		if strings.TrimSpace(s) != "" {
			set++
		}
	}
	if set != 1 {
		return nil, fmt.Errorf("%w: set exactly one of %s, %s and %s (%d set)", ErrConfig, QuickstartConfig, SchemaStringConfig, SchemaFilenameConfig, set)
	}
	var t *Template
	switch {
	case qs != "":
		var ok bool
		if t, ok = quickstart(strings.ToLower(strings.TrimSpace(qs))); !ok {
			return nil, fmt.Errorf("%w: unknown quickstart %q; built in: %s", ErrConfig, qs, strings.Join(Quickstarts(), ", "))
		}
	case filename != "":
		b, err := os.ReadFile(filename)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, SchemaFilenameConfig, err)
		}
		schema = string(b)
		fallthrough
	default:
		var err error
		if t, err = avroTemplate(schema); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, SchemaStringConfig, err)
		}
	}
	if keyField != "" {
		f, ok := t.ValueSchema.Field(keyField)
		if !ok {
			return nil, fmt.Errorf("%w: %s %q is not a field of %s", ErrConfig, SchemaKeyFieldConfig, keyField, t.Name)
		}
		t.KeyField, t.KeySchema = keyField, f.Schema
	}
	return t, nil
}
