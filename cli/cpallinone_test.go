package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/connectless/connectless/core/connect/avrodata"
	"github.com/connectless/connectless/core/convert"
	"github.com/connectless/connectless/core/worker"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationCPAllInOneConverters starts a worker from the connect service's environment
// of Confluent's cp-all-in-one docker-compose.yml (CONNECT_VALUE_CONVERTER=AvroConverter and
// CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL, broker and registry moved to loopback), runs
// datagen's users quickstart on it, and checks that the task runs, that the schema is
// registered under users-value as Confluent's datagen does, and that the records read back;
// then the same with the Protobuf and JSON Schema converters as the worker's default.
func TestIntegrationCPAllInOneConverters(t *testing.T) {
	for _, class := range []string{
		"io.confluent.connect.avro.AvroConverter",
		"io.confluent.connect.protobuf.ProtobufConverter",
		"io.confluent.connect.json.JsonSchemaConverter",
	} {
		t.Run(class[strings.LastIndex(class, ".")+1:], func(t *testing.T) { runCPAllInOne(t, class) })
	}
}

func runCPAllInOne(t *testing.T, class string) {
	k := devstacktest.Kafka(t, devstack.KafkaOptions{AutoCreateTopics: true, Topics: []string{"users"}})
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	// cp-all-in-one's connect service environment, as in its docker-compose.yml.
	env := []string{
		"CONNECT_BOOTSTRAP_SERVERS=" + k.Addr(),
		"CONNECT_REST_ADVERTISED_HOST_NAME=127.0.0.1",
		"CONNECT_GROUP_ID=compose-connect-group",
		"CONNECT_CONFIG_STORAGE_TOPIC=docker-connect-configs",
		"CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR=1",
		"CONNECT_OFFSET_FLUSH_INTERVAL_MS=10000",
		"CONNECT_OFFSET_STORAGE_TOPIC=docker-connect-offsets",
		"CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR=1",
		"CONNECT_STATUS_STORAGE_TOPIC=docker-connect-status",
		"CONNECT_STATUS_STORAGE_REPLICATION_FACTOR=1",
		"CONNECT_KEY_CONVERTER=org.apache.kafka.connect.storage.StringConverter",
		"CONNECT_VALUE_CONVERTER=" + class,
		"CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL=" + reg.URL(),
	}
	// Not in cp-all-in-one: where this worker keeps its state (a file of the test).
	env = append(env, "CONNECT_STATE_BOLT_PATH="+filepath.Join(t.TempDir(), "state.db"))
	props := worker.FromEnv(env)
	props["listeners"] = "http://127.0.0.1:0"
	url := runTestWorker(t, props)
	body, _ := json.Marshal(map[string]any{"name": "datagen-users", "config": map[string]string{
		"connector.class": "io.confluent.kafka.connect.datagen.DatagenConnector",
		"kafka.topic":     "users", "quickstart": "users", "max.interval": "10", "iterations": "20", "tasks.max": "1",
	}})
	// Kafka Connect answers 409 while the worker joins its group; clients retry.
	status := ""
	eventually(t, 10*time.Second, "connector created", func() bool {
		resp, err := http.Post(url+"/connectors", "application/json", bytes.NewReader(body))
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.Status + " " + string(b)
		return resp.StatusCode == http.StatusCreated
	})
	t.Logf("create connector: %s", strings.TrimSpace(status))
	defer func() {
		if t.Failed() {
			for _, path := range []string{"/connectors/datagen-users/status", "/connectors/datagen-users", "/connectors"} {
				if r, err := http.Get(url + path); err == nil {
					b, _ := io.ReadAll(r.Body)
					r.Body.Close()
					t.Logf("GET %s: %s", path, b)
				}
			}
		}
	}()
	eventually(t, 30*time.Second, "schema registered under users-value", func() bool {
		return reg.Registry().SubjectExists("users-value")
	})
	if ss, _ := reg.Registry().GetSchema("users-value", 1); strings.HasSuffix(class, "AvroConverter") {
		as, err := avrodata.Parse(ss.Schema.Schema)
		if err != nil {
			t.Fatal(err)
		}
		// Confluent's datagen users quickstart (users_schema.avro) is the record "users" in
		// namespace "ksql".
		if !strings.Contains(as.String(), `"name":"ksql.users"`) {
			t.Errorf("registered schema %s is not ksql.users", ss.Schema.Schema)
		}
	}
	var st struct {
		Tasks []struct{ State, Trace string }
	}
	eventually(t, 30*time.Second, "task RUNNING", func() bool {
		r, err := http.Get(url + "/connectors/datagen-users/status")
		if err != nil {
			return false
		}
		defer r.Body.Close()
		_ = json.NewDecoder(r.Body).Decode(&st)
		return len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING"
	})

	cl, err := kgo.NewClient(kgo.SeedBrokers(k.Addr()), kgo.ConsumeTopics("users"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	conv, err := convert.New(class, map[string]string{"schema.registry.url": reg.URL()}, false)
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	deadline := time.Now().Add(30 * time.Second)
	for read < 20 && time.Now().Before(deadline) {
		fctx, fcancel := context.WithTimeout(context.Background(), 5*time.Second)
		fs := cl.PollFetches(fctx)
		fcancel()
		fs.EachRecord(func(r *kgo.Record) {
			s, v, err := conv.ToConnect(r.Topic, r.Value)
			if err != nil || s == nil || !strings.HasSuffix(s.Name, "users") || v == nil {
				t.Errorf("offset %d: %v %v %v", r.Offset, s, v, err)
			}
			read++
		})
	}
	if read != 20 {
		t.Fatalf("read %d records from users, want 20", read)
	}
}
