package jsonschemaconv

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/convert/schemaregistry"
)

// TestStrictLatestRefused: the converter cannot check JSON Schema compatibility, so
// use.latest.version with latest.compatibility.strict=true (its default) is refused rather
// than ignored; with strict=false it is accepted.
func TestStrictLatestRefused(t *testing.T) {
	props := map[string]string{"schema.registry.url": "http://127.0.0.1:1", "use.latest.version": "true"}
	err := New().Configure(props, false)
	if !errors.Is(err, schemaregistry.ErrConfig) || !strings.Contains(err.Error(), "latest.compatibility.strict=false") {
		t.Fatalf("err %v, want ErrConfig telling to set latest.compatibility.strict=false", err)
	}
	props["latest.compatibility.strict"] = "false"
	if err := New().Configure(props, false); err != nil {
		t.Fatal(err)
	}
}
