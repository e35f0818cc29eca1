package connectors_test

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/connectors/iceberg"
	"github.com/connectless/connectless/connectors/light"
	"github.com/connectless/connectless/core/connect"
)

// TestLightIcebergNames: light's copy of the Iceberg sink's class selects what the plugin
// selects, so routing by it sends every Iceberg connector to the function that links it.
func TestLightIcebergNames(t *testing.T) {
	if light.IcebergClass != iceberg.ConnectorClass {
		t.Errorf("light.IcebergClass %q, iceberg.ConnectorClass %q", light.IcebergClass, iceberg.ConnectorClass)
	}
	if got, want := light.IcebergNames(), iceberg.Plugin.Names(); !slices.Equal(got, want) {
		t.Errorf("light.IcebergNames() %v, iceberg.Plugin.Names() %v", got, want)
	}
	// The Apache Iceberg sink's documentation configures it as
	// connector.class=org.apache.iceberg.connect.IcebergSinkConnector (iceberg.apache.org,
	// "Kafka Connect").
	if !slices.Contains(light.IcebergNames(), "org.apache.iceberg.connect.IcebergSinkConnector") {
		t.Errorf("light.IcebergNames() %v lacks the Apache Iceberg sink's class", light.IcebergNames())
	}
}

// TestRegistries: the full registry is light's plus the Iceberg sink, and light's has no
// Iceberg sink.
func TestRegistries(t *testing.T) {
	all, err := connectors.Registry()
	if err != nil {
		t.Fatal(err)
	}
	lr, err := light.Registry()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := all.Lookup("IcebergSink"); err != nil {
		t.Errorf("connectors.Registry(): %v", err)
	}
	if p, err := lr.Lookup("IcebergSink"); err == nil {
		t.Errorf("light.Registry() selects %s for IcebergSink", p.Class)
	}
	if got, want := len(all.Connectors()), len(lr.Connectors())+1; got != want {
		t.Errorf("connectors.Registry() has %d connectors, want light's %d and the Iceberg sink", got, want-1)
	}
	if got, want := len(all.Plugins()), len(lr.Plugins())+1; got != want {
		t.Errorf("connectors.Registry() has %d plugins, want light's %d and the Iceberg sink", got, want-1)
	}
	for _, p := range lr.Plugins(connect.PluginSink, connect.PluginSource) {
		if _, err := all.Lookup(p.Class); err != nil {
			t.Errorf("light's %s is not in connectors.Registry(): %v", p.Class, err)
		}
	}
}

// TestLightLinksNoIceberg: package light, and so a program built on it, does not import
// iceberg-go (whose package initialisation is what it exists to avoid).
func TestLightLinksNoIceberg(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/connectless/connectless/connectors/light").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/apache/iceberg-go") || strings.HasSuffix(pkg, "/connectors/iceberg") {
			t.Errorf("package light depends on %s", pkg)
		}
	}
}

// TestSchedulerRegistry: the scheduler's registry selects the Iceberg sink's every name as a
// sink (what dealing its partitions needs), and its stand-in refuses to run.
func TestSchedulerRegistry(t *testing.T) {
	reg, err := light.SchedulerRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range iceberg.Plugin.Names() {
		p, err := reg.Lookup(name)
		if err != nil || p.Type != connect.PluginSink {
			t.Errorf("Lookup(%q): %+v, %v; want a sink", name, p, err)
		}
	}
	c := light.IcebergScheduled().New()
	if err := c.Start(context.Background(), map[string]string{}); !errors.Is(err, light.ErrNotLinked) {
		t.Errorf("Start: %v, want ErrNotLinked", err)
	}
	if _, err := c.TaskConfigs(1); !errors.Is(err, light.ErrNotLinked) {
		t.Errorf("TaskConfigs: %v, want ErrNotLinked", err)
	}
}
