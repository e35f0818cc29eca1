package avroconv

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/schemaregistry"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
	"github.com/twmb/franz-go/pkg/sr"
)

// TestIntegrationRegistryRequestTimeout: a registry that does not answer within
// connectless.schema.registry.request.timeout.ms gives a retriable error (the slice is
// retried), well before the default 30 s.
func TestIntegrationRegistryRequestTimeout(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	reg.Registry().Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		select { // stall until the client gives up
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
		return true
	})
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL(),
		schemaregistry.RequestTimeoutKey: "300"}, false)
	start := time.Now()
	_, err := c.FromConnect("users", userSchema, connect.NewStruct(userSchema).MustPut("id", int64(1)).MustPut("name", "n").MustPut("joined", time.Unix(0, 0)))
	if !errors.Is(err, schemaregistry.ErrRegistry) || !connect.IsRetriable(err) {
		t.Fatalf("err %v, want a retriable registry error", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("the call took %v: the configured timeout was not used", d)
	}
	if err := New().Configure(map[string]string{"schema.registry.url": reg.URL(), schemaregistry.RequestTimeoutKey: "0"}, false); err == nil {
		t.Error("a timeout of 0 ms was accepted")
	}
}

// TestIntegrationSchemaOfAnotherFormat: a record whose schema id names a Protobuf schema is
// refused by the AvroConverter with ErrSchemaType, not parsed as Avro.
func TestIntegrationSchemaOfAnotherFormat(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	id, _, err := reg.Registry().RegisterSchema("p-value", sr.Schema{Schema: "syntax = \"proto3\";\nmessage M { int32 n = 1; }\n", Type: sr.TypeProtobuf})
	if err != nil {
		t.Fatal(err)
	}
	c := newConverter(t, map[string]string{"schema.registry.url": reg.URL()}, false)
	_, _, err = c.ToConnect("p", []byte{0, 0, 0, 0, byte(id), 0, 8, 1})
	if !errors.Is(err, schemaregistry.ErrSchemaType) || connect.IsRetriable(err) || !strings.Contains(err.Error(), "PROTOBUF") {
		t.Fatalf("err %v, want ErrSchemaType naming PROTOBUF", err)
	}
}
