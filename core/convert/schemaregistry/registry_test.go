package schemaregistry

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

func TestCacheForgetsLeastRecentlyUsed(t *testing.T) {
	c := NewCache[int, string](2)
	c.Put(1, "a")
	c.Put(2, "b")
	c.Get(1) // 2 is now the least recently used
	c.Put(3, "c")
	if _, ok := c.Get(2); ok {
		t.Error("2 kept past the bound")
	}
	if v, ok := c.Get(1); !ok || v != "a" {
		t.Error("recently used 1 forgotten")
	}
	if c.Len() != 2 {
		t.Errorf("len %d", c.Len())
	}
}

func registry(t *testing.T, props map[string]string) *Registry {
	t.Helper()
	v, err := ConfigDef().Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(v, false)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(s, false)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestIntegrationTLS serves srfake over https with httptest's certificate (for 127.0.0.1 and
// example.com, not localhost).
func TestIntegrationTLS(t *testing.T) {
	srv := httptest.NewTLSServer(srfake.NewRegistry().Handler())
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	schema := sr.Schema{Schema: `"string"`, Type: sr.TypeAvro}

	trusted := registry(t, map[string]string{URLKey: srv.URL, SSLTruststoreLocationKey: ca})
	if _, err := trusted.ID("t-value", schema); err != nil {
		t.Fatalf("trusted CA: %v", err)
	}

	untrusted := registry(t, map[string]string{URLKey: srv.URL})
	_, err := untrusted.ID("t-value", schema)
	if err == nil || connect.IsRetriable(err) || !strings.Contains(err.Error(), "schema.registry.ssl") {
		t.Fatalf("unknown CA: %v (want a permanent error naming schema.registry.ssl.*)", err)
	}

	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if _, err := registry(t, map[string]string{URLKey: byName, SSLTruststoreLocationKey: ca}).ID("t-value", schema); err == nil || connect.IsRetriable(err) {
		t.Fatalf("host name not in the certificate: %v", err)
	}
	noCheck := registry(t, map[string]string{URLKey: byName, SSLTruststoreLocationKey: ca, SSLEndpointIdentificationK: ""})
	if _, err := noCheck.ID("t-value", schema); err != nil {
		t.Fatalf("endpoint identification off: %v", err)
	}
}

// TestSubjectName checks the subject each strategy names. Expected names from Confluent's
// Schema Registry documentation ("Subject name strategy", Schema Registry serializer and
// formatter docs): TopicNameStrategy <topic>-key / <topic>-value, RecordNameStrategy the
// fully-qualified record name, TopicRecordNameStrategy <topic>-<fully-qualified record name>.
func TestSubjectName(t *testing.T) {
	cases := []struct {
		strategy string
		isKey    bool
		want     string
	}{
		{"", false, "orders-value"},
		{TopicNameStrategy, false, "orders-value"},
		{TopicNameStrategy, true, "orders-key"},
		{RecordNameStrategy, false, "com.example.Order"},
		{RecordNameStrategy, true, "com.example.Order"},
		{TopicRecordNameStrategy, false, "orders-com.example.Order"},
	}
	for _, c := range cases {
		if got := SubjectName(c.strategy, "orders", "com.example.Order", c.isKey); got != c.want {
			t.Errorf("SubjectName(%q, key=%v) = %q, want %q", c.strategy, c.isKey, got, c.want)
		}
	}
}
