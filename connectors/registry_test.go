package connectors_test

import (
	"context"
	"errors"
	"maps"
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
// iceberg-go (whose package initialisation is what it exists to avoid) nor arrow-go; nor does
// the REST function, whose registry is light.RESTRegistry.
func TestLightLinksNoIceberg(t *testing.T) {
	for _, pkg := range []string{
		"github.com/connectless/connectless/connectors/light",
		"github.com/connectless/connectless/connectors/iceberg/icebergconfig",
		"github.com/connectless/connectless/functions/rest",
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/apache/iceberg-go") || strings.HasPrefix(dep, "github.com/apache/arrow-go") ||
				strings.HasSuffix(dep, "/connectors/iceberg") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// TestRESTRegistry: the REST function's Iceberg sink has the real configuration checks and
// task configurations (the same answers as the sink's own connector), notes on the catalog
// keys that the catalog is checked at task start, and a task that refuses to run.
func TestRESTRegistry(t *testing.T) {
	reg, err := light.RESTRegistry()
	if err != nil {
		t.Fatal(err)
	}
	p, err := reg.Lookup("IcebergSink")
	if err != nil || p.Type != connect.PluginSink || p.Version != iceberg.Version {
		t.Fatalf("Lookup(IcebergSink): %+v, %v", p, err)
	}
	c, ok := p.New().(connect.SinkConnector)
	if !ok {
		t.Fatalf("%T is not a sink connector", p.New())
	}
	if _, ok := c.(connect.Preflighter); ok {
		t.Errorf("%T has a catalog preflight it cannot run", c)
	}
	full, lightDef := iceberg.ConfigDef(), c.Config()
	if !slices.Equal(full.Names(), lightDef.Names()) {
		t.Errorf("keys %v, want the sink's %v", lightDef.Names(), full.Names())
	}
	// The REST function's validate answer documents the keys as the sink does: its catalog
	// checks run in the Iceberg task function.
	for _, name := range full.Names() {
		k, _ := lightDef.Key(name)
		if want, _ := full.Key(name); k.Doc != want.Doc {
			t.Errorf("%s: doc %q, want the sink's %q", name, k.Doc, want.Doc)
		}
	}
	good := map[string]string{"name": "ice", "connector.class": "IcebergSink", "topics": "t",
		iceberg.TablesConfig: "db.t", iceberg.CatalogTypeConfig: "rest", iceberg.CatalogURIConfig: "http://catalog:8181",
		iceberg.PartitionByConfig: "day(ts), bucket(id, 4)"}
	bad := map[string]map[string]string{
		iceberg.PartitionByConfig: {iceberg.PartitionByConfig: "minute(ts)"},
		iceberg.TablesConfig:      {iceberg.TablesConfig: "nonamespace"},
		iceberg.CatalogTypeConfig: {iceberg.CatalogTypeConfig: "hive"},
	}
	v, ok := c.(connect.Validator)
	if !ok {
		t.Fatalf("%T does not validate", c)
	}
	for key, change := range bad {
		props := maps.Clone(good)
		maps.Copy(props, change)
		infos := connect.ConfigInfos{}
		if err := v.Validate(context.Background(), props, &infos); err != nil {
			t.Fatal(err)
		}
		if infos.ErrorCount != 1 || infos.Configs[0].Value.Name != key {
			t.Errorf("%v: %d errors %+v, want one on %s", change, infos.ErrorCount, infos.Configs, key)
		}
	}
	if err := c.Start(context.Background(), good); err != nil {
		t.Fatalf("Start: %v", err)
	}
	got, err := c.TaskConfigs(2)
	if err != nil {
		t.Fatal(err)
	}
	want := &iceberg.Connector{}
	if err := want.Start(context.Background(), good); err != nil {
		t.Fatal(err)
	}
	wantCfgs, _ := want.TaskConfigs(2)
	if len(got) != 2 || !maps.Equal(got[0], wantCfgs[0]) || !maps.Equal(got[1], wantCfgs[1]) {
		t.Errorf("TaskConfigs %v, want the sink's %v", got, wantCfgs)
	}
	task := c.NewTask()
	if err := task.Start(context.Background(), good, nil); !errors.Is(err, light.ErrNotLinked) {
		t.Errorf("task Start: %v, want ErrNotLinked", err)
	}
	props := maps.Clone(good)
	maps.Copy(props, bad[iceberg.TablesConfig])
	if err := c.Start(context.Background(), props); !errors.Is(err, iceberg.ErrConfig) {
		t.Errorf("Start(%v): %v, want ErrConfig", props, err)
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
