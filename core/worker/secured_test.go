package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

const countSourceClass = "test.CountSourceConnector"

// countSource emits count records "v0".."v<count-1>" to topic, resuming after its committed
// offset {"i": n}.
type countSource struct{ props map[string]string }

func (*countSource) Version() string { return "1" }
func (*countSource) Config() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: "topic", Type: connect.ConfigString, Importance: connect.High, Doc: "Topic."}).
		Define(connect.ConfigKey{Name: "count", Type: connect.ConfigInt, Default: 5, Importance: connect.High, Doc: "Records."})
}
func (s *countSource) Start(_ context.Context, props map[string]string) error {
	s.props = props
	return nil
}
func (s *countSource) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{s.props}, nil
}
func (*countSource) Stop() error                 { return nil }
func (*countSource) NewTask() connect.SourceTask { return &countTask{} }

type countTask struct {
	topic     string
	next, end int
}

var countPartition = map[string]any{"counter": "c"}

func (t *countTask) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
	t.topic = props["topic"]
	t.end, _ = strconv.Atoi(props["count"])
	off, err := tctx.OffsetReader().Offset(ctx, countPartition)
	if err != nil {
		return err
	}
	if off != nil {
		n, _ := strconv.Atoi(fmt.Sprint(off["i"]))
		t.next = n
	}
	return nil
}

func (t *countTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if t.next >= t.end {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
			return nil, nil
		}
	}
	var out []connect.SourceRecord
	for ; t.next < t.end; t.next++ {
		out = append(out, connect.SourceRecord{Record: connect.Record{Topic: t.topic, Value: "v" + strconv.Itoa(t.next)},
			SourcePartition: countPartition, SourceOffset: map[string]any{"i": t.next + 1}})
	}
	return out, nil
}
func (*countTask) Stop() error { return nil }

// securedBroker starts a kfake broker on SASL_SSL with the SCRAM-SHA-512 user alice and the
// topic numbers, and returns it with a PEM trust store of its CA.
func securedBroker(t *testing.T) (*devstacktest.SecuredKafka, string) {
	k := devstacktest.SecuredKafkaBroker(t, map[string]string{"alice": "alice-secret"}, "numbers")
	return k, k.Truststore
}

// TestIntegrationSecuredWorker runs a worker on SASL_SSL with SCRAM-SHA-512 and a PEM trust
// store, its state in Kafka Connect's topics on the same cluster: a source produces and a
// sink consumes over the secured connections. Then a wrong password, an untrusted
// certificate and a wrong host name each stop a restart with one error naming the key to
// fix, and a restart with the right settings finds the connectors and offsets intact.
func TestIntegrationSecuredWorker(t *testing.T) {
	k, truststore := securedBroker(t)
	port := k.Addr()[strings.LastIndex(k.Addr(), ":")+1:]
	secured := func(mod map[string]string) map[string]string {
		props := baseProps(t, k.Brokers())
		props["state.bolt.path"] = ""
		for key, v := range map[string]string{
			"group.id": "secured", "config.storage.topic": "cfg", "offset.storage.topic": "offs", "status.storage.topic": "stat",
			"config.storage.replication.factor": "1", "offset.storage.replication.factor": "1", "status.storage.replication.factor": "1",
			"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "ssl.truststore.location": truststore,
			"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";`,
		} {
			props[key] = v
		}
		for key, v := range mod {
			props[key] = v
		}
		return props
	}
	col := &collector{}
	reg := func() *connect.Registry {
		r, err := connect.NewRegistry(append([]connect.Plugin{
			{Class: collectSinkClass, Type: connect.PluginSink, Version: "1",
				New: func() connect.Connector {
					return &testSink{newTask: func(map[string]string) connect.SinkTask { return &collectTask{c: col} }}
				}},
			{Class: countSourceClass, Type: connect.PluginSource, Version: "1",
				New: func() connect.Connector { return &countSource{} }},
		}, config.BuiltinPlugins()...)...)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	ctx, cancel := context.WithCancel(context.Background())
	w, err := New(ctx, secured(nil), Options{Registry: reg(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	c := &client{t: t, base: "http://" + waitReady(t, w)[0].String()}
	if w.Config().Backend != BackendKafka {
		t.Errorf("backend %s, want kafka (group.id and config.storage.topic set)", w.Config().Backend)
	}
	for name, cfg := range map[string]map[string]string{
		"numbers-source": {"connector.class": countSourceClass, "topic": "numbers", "count": "5"},
		"numbers-sink":   {"connector.class": collectSinkClass, "topics": "numbers"},
	} {
		if code, body := c.do("POST", "/connectors", map[string]any{"name": name, "config": cfg}); code != http.StatusCreated {
			t.Fatalf("create %s: %d %v", name, code, body)
		}
	}
	eventually(t, 30*time.Second, "5 records through the secured cluster", func() bool { return len(col.all()) == 5 })
	eventually(t, 15*time.Second, "sink offsets at 5", func() bool {
		_, b := c.do("GET", "/connectors/numbers-sink/offsets", nil)
		return strings.Contains(jsonString(t, b), `"kafka_offset":5`)
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}

	tests := []struct {
		name string
		mod  map[string]string
		want string
	}{
		{"wrong password", map[string]string{"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="wrong";`}, "sasl.jaas.config"},
		{"untrusted certificate", map[string]string{"ssl.truststore.location": otherCA(t)}, "ssl.truststore.location"},
		{"wrong host name", map[string]string{"bootstrap.servers": "localhost:" + port}, "ssl.endpoint.identification.algorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			w, err := New(ctx, secured(tt.mod), Options{Registry: reg(), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			err = w.Run(ctx)
			if !errors.Is(err, kafka.ErrConnect) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run: %v; want one error naming %s", err, tt.want)
			}
			if strings.Count(err.Error(), "\n") > 0 || strings.Contains(err.Error(), "alice-secret") {
				t.Errorf("error is not one line without secrets: %q", err)
			}
			if w.State() != StateFailed {
				t.Errorf("state %s, want failed", w.State())
			}
		})
	}

	// Nothing was lost: the connectors, the source's and the sink's offsets are still there;
	// the source does not produce again and the sink does not deliver again.
	_, c = startWorker(t, secured(nil), reg())
	_, b := c.do("GET", "/connectors", nil)
	if got := jsonString(t, b); !strings.Contains(got, "numbers-source") || !strings.Contains(got, "numbers-sink") {
		t.Fatalf("connectors after the failed starts: %s", got)
	}
	_, b = c.do("GET", "/connectors/numbers-source/offsets", nil)
	if got := jsonString(t, b); !strings.Contains(got, `"i":5`) {
		t.Errorf("source offsets after the failed starts: %s", got)
	}
	time.Sleep(2 * time.Second)
	if n := len(col.all()); n != 5 {
		t.Errorf("%d records delivered after the restart, want still 5", n)
	}
}

// otherCA writes the PEM of a CA that signed nothing the broker has.
func otherCA(t *testing.T) string {
	ca, err := devstack.NewCertAuthority("other-ca")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(p, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConnectorOverridePolicyValidation: with connector.client.config.override.policy=Principal
// a connector overriding ssl.truststore.location is refused with Kafka's message on that key
// (AbstractConnectorClientConfigOverridePolicy: "The '<policy>' policy does not allow '<name>'
// to be overridden"), while a sasl.jaas.config override is accepted.
func TestConnectorOverridePolicyValidation(t *testing.T) {
	props := baseProps(t, newKafka(t, "logs", 1))
	props["connector.client.config.override.policy"] = "Principal"
	_, c := startWorker(t, props, testRegistry(&collector{}))
	code, body := c.do("PUT", "/connector-plugins/"+collectSinkClass+"/config/validate", map[string]string{
		"connector.class": collectSinkClass, "name": "o", "topics": "logs",
		"consumer.override.ssl.truststore.location": "/ca.pem",
		"consumer.override.sasl.jaas.config":        `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
	})
	got := jsonString(t, body)
	if code != http.StatusOK || !strings.Contains(got, `"error_count":1`) ||
		!strings.Contains(got, `The 'Principal' policy does not allow 'ssl.truststore.location' to be overridden`) {
		t.Fatalf("validate: %d %s", code, got)
	}
	if code, body := c.do("POST", "/connectors", map[string]any{"name": "o", "config": map[string]string{
		"connector.class": collectSinkClass, "topics": "logs", "consumer.override.ssl.truststore.location": "/ca.pem"}}); code != http.StatusBadRequest {
		t.Errorf("create with a refused override: %d %v, want 400", code, body)
	}
}
