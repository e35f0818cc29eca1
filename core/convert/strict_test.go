package convert

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/convert/jsonschemaconv"
	"github.com/connectless/connectless/core/convert/protoconv"
	"github.com/connectless/connectless/core/convert/schemaregistry"
)

// TestStrictLatestRefusedWhereUnchecked: the Protobuf and JSON Schema converters cannot check
// that the latest schema reads a record's, so use.latest.version with
// latest.compatibility.strict=true (its default) is refused rather than ignored; with
// strict=false it is accepted.
func TestStrictLatestRefusedWhereUnchecked(t *testing.T) {
	type configurer interface {
		Configure(props map[string]string, isKey bool) error
	}
	for name, newConv := range map[string]func() configurer{
		"protobuf":    func() configurer { return protoconv.New() },
		"json schema": func() configurer { return jsonschemaconv.New() },
	} {
		props := map[string]string{"schema.registry.url": "http://127.0.0.1:1", "use.latest.version": "true"}
		err := newConv().Configure(props, false)
		if !errors.Is(err, schemaregistry.ErrConfig) || !strings.Contains(err.Error(), "latest.compatibility.strict=false") {
			t.Errorf("%s: err %v, want ErrConfig telling to set latest.compatibility.strict=false", name, err)
		}
		props["latest.compatibility.strict"] = "false"
		if err := newConv().Configure(props, false); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
