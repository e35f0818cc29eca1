package worker

import (
	"fmt"
	"os"

	"github.com/connectless/connectless/core/config/provider"
)

// LoadProperties reads a Java properties file (a worker.properties or a connector's
// .properties file). Errors name the file and the line, never a value.
func LoadProperties(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read properties: %w", err)
	}
	defer f.Close()
	props, err := provider.ParseProperties(f)
	if err != nil {
		return nil, fmt.Errorf("read properties %q: %w", path, err)
	}
	return props, nil
}
