package main

import (
	"strings"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/convert/avroconv"
	"github.com/connectless/connectless/core/convert/jsonschemaconv"
	"github.com/connectless/connectless/core/convert/protoconv"
	"github.com/connectless/connectless/core/convert/schemaregistry"
)

// converterInfo is one of a connector's converters as describe shows it.
type converterInfo struct {
	// Role is "key" or "value".
	Role string `json:"role"`
	// Class is the configured class or alias; empty when the worker's default applies.
	Class string `json:"class,omitempty"`
	// WorkerDefault is set when the connector does not name a converter.
	WorkerDefault bool `json:"worker_default,omitempty"`
	// Strategy is the subject name strategy of a Schema Registry converter.
	Strategy string `json:"subject_name_strategy,omitempty"`
	// Subjects are the registry subjects the converter uses, one per known topic; a part
	// only the records tell (the record name, a source's topic) shows in angle brackets.
	Subjects []string `json:"subjects,omitempty"`
}

// registryConverters are the converters that keep their schemas in a Schema Registry.
var registryConverters = map[string]bool{avroconv.Class: true, protoconv.Class: true, jsonschemaconv.Class: true}

// describeConverters lists the key and value converters of a connector config and, for
// Schema Registry converters, the subjects their subject name strategy gives for topics
// (the sink's topics, else the connector's active topics). Computed from the config alone:
// the registry is not asked.
func describeConverters(cfg map[string]string, active []string) []converterInfo {
	topics := active
	if t := strings.TrimSpace(cfg["topics"]); t != "" {
		topics = nil
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				topics = append(topics, s)
			}
		}
	}
	if len(topics) == 0 {
		topics = []string{"<topic>"}
	}
	builtin := convert.Builtin()
	var out []converterInfo
	for _, role := range []string{"key", "value"} {
		prefix := role + ".converter"
		ci := converterInfo{Role: role, Class: cfg[prefix]}
		if ci.Class == "" {
			ci.WorkerDefault = true
			out = append(out, ci)
			continue
		}
		p, err := builtin.LookupType(connect.PluginConverter, ci.Class)
		if err != nil || !registryConverters[p.Class] {
			out = append(out, ci)
			continue
		}
		ci.Strategy = cfg[prefix+"."+role+".subject.name.strategy"]
		if ci.Strategy == "" {
			ci.Strategy = schemaregistry.TopicNameStrategy
		}
		for _, topic := range topics {
			ci.Subjects = append(ci.Subjects, schemaregistry.SubjectName(ci.Strategy, topic, "<record name>", role == "key"))
			if ci.Strategy == schemaregistry.RecordNameStrategy {
				break // one subject whatever the topic
			}
		}
		out = append(out, ci)
	}
	return out
}

// converterFields renders converters as describe's table lines.
func converterFields(cs []converterInfo) [][2]string {
	var out [][2]string
	for _, c := range cs {
		label := strings.ToUpper(c.Role[:1]) + c.Role[1:]
		v := c.Class
		if c.WorkerDefault {
			v = "worker default"
		}
		out = append(out, [2]string{label, v})
		if len(c.Subjects) > 0 {
			out = append(out, [2]string{label + " subject", strings.Join(c.Subjects, ", ")})
		}
	}
	return out
}
