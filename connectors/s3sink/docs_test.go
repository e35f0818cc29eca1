package s3sink

import (
	"testing"

	"github.com/connectless/connectless/core/connect/connecttest"
)

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{
		Name: "s3sink", Title: "S3 sink (Confluent-compatible archive)", Plugin: Plugin,
		Intro: "Archives topics to S3 with the Confluent S3 sink's config keys, object keys " +
			"(`topics/<topic>/<encoded partition>/<topic>+<partition>+<start offset>.<ext>`) and file contents " +
			"(JsonFormat, ByteArrayFormat, AvroFormat, ParquetFormat; none, gzip or zstd). Files are exactly once: keys are " +
			"deterministic, objects are created with `If-None-Match: *`, offsets are committed only after the object exists, and a " +
			"re-run after a crash finds what an earlier run wrote and resumes after it. Open files are flushed at the end of every " +
			"slice (`s3.flush.on.slice.end`), so quiet partitions do not wait for new data; buffers spill to local disk, so memory " +
			"does not grow with the number of open files. `schedule` (`rate(1 hour)`, `cron(…)`, `continuous`) says when the " +
			"scheduler runs the tasks.",
	})
}

func TestExampleValidates(t *testing.T) {
	props := connecttest.ExampleConfig(t, "s3-archive.json")
	if props["connector.class"] != Plugin.Class {
		t.Errorf("connector.class %q, want %s", props["connector.class"], Plugin.Class)
	}
	if err := connecttest.ValidateConfig(t, Plugin.Class, props, Plugin.New()).Err(); err != nil {
		t.Errorf("s3-archive.json: %v", err)
	}
}
