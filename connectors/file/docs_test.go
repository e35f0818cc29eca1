package file

import (
	"flag"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{
		Name: "file-source", Title: "FileStream source", Plugin: SourcePlugin,
		Intro: "Reads the lines of a local file into a topic, as Kafka's FileStreamSourceConnector, one task per file. " +
			"Source offsets are Kafka's: partition `{\"filename\": <file>}`, offset `{\"position\": <bytes after the last line>}`; " +
			"a restarted task resumes from the committed position, and refuses a file shorter than it (truncated or replaced). " +
			"Values are strings (schema STRING), keys are null.",
	}, connecttest.DocsSpec{
		Name: "file-sink", Title: "FileStream sink", Plugin: SinkPlugin,
		Intro: "Appends each record value as one line to a local file, as Kafka's FileStreamSinkConnector; `topics` or `topics.regex` " +
			"select the records. Lines are written and synced on flush, before offsets are committed. Values print as Java's " +
			"`String.valueOf` would (structs as `Struct{f=v}`, maps as `{k=v}`); a value that is not UTF-8 text or that holds a " +
			"line break goes to error handling (`errors.tolerance`, dead-letter queue).",
	})
}

func TestExamplesValidate(t *testing.T) {
	for _, ex := range []struct {
		file   string
		plugin connect.Plugin
	}{{"file-source.properties", SourcePlugin}, {"file-sink.properties", SinkPlugin}} {
		props := connecttest.ExampleConfig(t, ex.file)
		if props["connector.class"] != ex.plugin.Class && props["connector.class"]+"Connector" != ex.plugin.Class[strings.LastIndex(ex.plugin.Class, ".")+1:] {
			t.Errorf("%s: connector.class %q does not select %s", ex.file, props["connector.class"], ex.plugin.Class)
		}
		if err := connecttest.ValidateConfig(t, ex.plugin.Class, props, ex.plugin.New()).Err(); err != nil {
			t.Errorf("%s: %v", ex.file, err)
		}
	}
}
