package connect

import (
	"fmt"
	"strings"
)

// MarkdownDocs renders reference documentation for the non-internal keys, in Kafka's
// documentation order (SortedKeys): one section per key with its doc, type, default, valid
// values and importance. PASSWORD defaults are hidden.
func (d *ConfigDef) MarkdownDocs() string {
	var b strings.Builder
	group := "\x00"
	for _, k := range d.SortedKeys() {
		if k.Internal {
			continue
		}
		if k.Group != group {
			group = k.Group
			if group != "" {
				fmt.Fprintf(&b, "## %s\n\n", group)
			}
		}
		fmt.Fprintf(&b, "### `%s`\n\n", k.Name)
		if k.Doc != "" {
			b.WriteString(strings.TrimSpace(k.Doc))
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "* Type: %s\n", strings.ToLower(string(k.Type)))
		switch {
		case k.Required:
			b.WriteString("* Default: (required)\n")
		case k.Default == nil:
			b.WriteString("* Default: null\n")
		default:
			s := *ConvertToString(k.Default, k.Type)
			if s == "" {
				s = `""`
			}
			fmt.Fprintf(&b, "* Default: `%s`\n", s)
		}
		if k.Validator != nil {
			if s := k.Validator.String(); s != "" {
				fmt.Fprintf(&b, "* Valid values: %s\n", s)
			}
		}
		fmt.Fprintf(&b, "* Importance: %s\n\n", strings.ToLower(string(k.Importance)))
	}
	return b.String()
}
