package jsonschemaconv

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
	"github.com/twmb/franz-go/pkg/sr"
)

// TestIntegrationRefusesAnyValueAndRecursion: a registered schema with a property of no type
// (any value) or a $ref (which is how a recursive schema is written) is refused with a
// message naming what is missing, and the record fails instead of being half read.
func TestIntegrationRefusesAnyValueAndRecursion(t *testing.T) {
	reg := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{})
	c := newConverter(t, reg.URL())
	for subject, tc := range map[string]struct{ schema, want string }{
		"node-value": {`{"type":"object","title":"Node","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}}}`, "recursive schemas"},
		"any-value":  {`{"type":"object","properties":{"anything":{}}}`, "AnyValue"},
	} {
		id, _, err := reg.Registry().RegisterSchema(subject, sr.Schema{Schema: tc.schema, Type: sr.TypeJSON})
		if err != nil {
			t.Fatal(err)
		}
		data := append([]byte{0, 0, 0, 0, byte(id)}, `{"v":1}`...)
		_, _, err = c.ToConnect(strings.TrimSuffix(subject, "-value"), data)
		if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want ErrSchema naming %q", subject, err, tc.want)
		}
	}
	if _, err := c.FromConnect("t", nil, map[string]any{"a": int64(1)}); err == nil || !strings.Contains(err.Error(), "schemaless") {
		t.Errorf("schemaless value: err %v", err)
	}
}
