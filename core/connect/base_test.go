package connect_test

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

var errNoFile = errors.New("file is required")

type baseSpec struct{}

func (baseSpec) Version() string { return "2.1.0" }
func (baseSpec) Check(props map[string]string) error {
	if props["file"] == "" {
		return errNoFile
	}
	return nil
}

type baseConnector struct {
	connect.ConnectorBase[baseSpec]
}

func TestConnectorBase(t *testing.T) {
	var c baseConnector // the zero value is ready to use
	if v := c.Version(); v != "2.1.0" {
		t.Errorf("Version = %q", v)
	}
	if err := c.Start(context.Background(), map[string]string{}); !errors.Is(err, errNoFile) {
		t.Fatalf("Start with a bad configuration = %v, want the spec's error", err)
	}
	if c.Props() != nil {
		t.Errorf("a refused configuration was kept: %v", c.Props())
	}
	props := map[string]string{"file": "a.txt"}
	if err := c.Start(context.Background(), props); err != nil {
		t.Fatal(err)
	}
	props["file"] = "changed by the caller"
	tasks, err := c.TaskConfigs(3)
	if err != nil || len(tasks) != 3 {
		t.Fatalf("TaskConfigs(3) = %v, %v", tasks, err)
	}
	tasks[0]["file"] = "changed by task 0"
	if !maps.Equal(tasks[1], map[string]string{"file": "a.txt"}) || c.Props()["file"] != "a.txt" {
		t.Errorf("task configurations share a map: %v, kept %v", tasks, c.Props())
	}
	if tasks, _ := c.TaskConfigs(0); len(tasks) != 1 {
		t.Errorf("TaskConfigs(0) = %d configurations, want 1", len(tasks))
	}
	if err := c.Stop(); err != nil {
		t.Errorf("Stop = %v", err)
	}
}

// Config completes connect.Connector.
func (baseConnector) Config() *connect.ConfigDef { return connect.NewConfigDef() }

var _ connect.Connector = &baseConnector{}
