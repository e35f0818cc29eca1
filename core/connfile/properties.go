package connfile

import (
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/config/provider"
)

func parseProperties(name string, data []byte) ([]Connector, error) {
	props, err := ParseProperties(string(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	c := Connector{Name: strings.TrimSpace(props["name"]), Config: props, Source: name}
	if c.Name == "" {
		// Kafka's ConnectStandalone message, with the line to add.
		//lint:ignore ST1005 Kafka's message, capitalised, ending with the line to add
		return nil, fmt.Errorf("%w: Connector configuration at '%s' is missing the mandatory 'name' configuration: add a line name=...", ErrInvalid, name)
	}
	return []Connector{c}, nil
}

// ParseProperties reads the Java .properties format, as connect-standalone reads connector
// files, with the same parser the worker uses for worker.properties.
func ParseProperties(text string) (map[string]string, error) {
	return provider.ParseProperties(strings.NewReader(text))
}
