package workerprops

import (
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/kafka"
)

// Markdown returns the reference of the worker properties that docs/worker.md holds between
// its generated-section markers: one table row per Key, the client keys under prefixes, and
// the Kafka keys that have no effect here.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| key | default | scope | meaning |\n|---|---|---|---|\n")
	for _, k := range Keys {
		def := "—"
		switch {
		case k.DefaultDoc != "":
			def = k.DefaultDoc
		case k.Default != "":
			def = "`" + k.Default + "`"
			if k.FunctionsDefault == noDefault {
				def += " (functions: none)"
			} else if k.FunctionsDefault != "" {
				def += " (functions: `" + k.FunctionsDefault + "`)"
			}
		}
		doc := k.Doc
		if k.Kafka != "" {
			doc += " Mirrors " + k.Kafka + "."
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.Name, def, k.Scope, doc)
	}
	b.WriteString("\nThe client keys (`" + strings.Join(kafka.SecurityKeys, "`, `") + "`) may also be given under ")
	b.WriteString("`producer.`, `consumer.` and `admin.`: each such key overrides the worker's own for the producers of source ")
	b.WriteString("tasks (and dead-letter queues), the consumers of sink tasks, or the admin calls. Kafka's clients do not ")
	b.WriteString("inherit the worker's keys; here they do, so a Kafka worker file (which repeats them under each prefix) works ")
	b.WriteString("unchanged. A connector may override them with `producer.override.*`, `consumer.override.*` and ")
	b.WriteString("`admin.override.*` as `connector.client.config.override.policy` allows.\n")
	b.WriteString("\nKafka Connect keys that are accepted and have **no effect** here; each is logged as a warning naming it:\n\n")
	b.WriteString("| key | why |\n|---|---|\n")
	for _, n := range NoEffect {
		name := "`" + n.Key + "`"
		if strings.HasSuffix(n.Key, ".") {
			name = "`" + n.Key + "*`"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", name, n.Why)
	}
	b.WriteString("\nAny other unknown key is logged as a warning naming it (Kafka logs \"was supplied but isn't a known config\") ")
	b.WriteString("and does not stop the start; a malformed value of a known key does, with an error naming the key.\n")
	return b.String()
}
