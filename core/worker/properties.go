package worker

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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

// LoadConnector reads a connector file as connect-standalone does: a .json file holding
// either {"name":…,"config":{…}} or a flat config object, or a properties file. The
// connector's name is its "name" key.
func LoadConnector(path string) (name string, config map[string]string, err error) {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", nil, fmt.Errorf("read connector file: %w", err)
		}
		var withName struct {
			Name   string            `json:"name"`
			Config map[string]string `json:"config"`
		}
		if err := json.Unmarshal(b, &withName); err == nil && withName.Config != nil {
			config = withName.Config
			if withName.Name != "" {
				config["name"] = withName.Name
			}
		} else if err := json.Unmarshal(b, &config); err != nil {
			return "", nil, fmt.Errorf("read connector file %q: want a JSON object of strings: %w", path, err)
		}
	} else if config, err = LoadProperties(path); err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(config["name"])
	if name == "" {
		return "", nil, fmt.Errorf("connector file %q: no name", path)
	}
	return name, config, nil
}
