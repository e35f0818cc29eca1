package s3source

import (
	"flag"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

var update = flag.Bool("update", false, "rewrite the reference page in docs/connectors/")

const intro = "Restores into Kafka what the S3 sink archived (or Confluent's S3 sink with the same layout keys): every " +
	"partitioner (Default, Field, TimeBased, Daily, Hourly) and format (JsonFormat and ByteArrayFormat plain, `.gz` or `.zst`; " +
	"AvroFormat; ParquetFormat), with the `.keys` and `.headers` files when they were stored. Configure it by copying the " +
	"archive connector's layout keys (`format.class`, `topics.dir`, `partitioner.class`, `path.format`, …), then choose the " +
	"target (`topic.rename.format`, `kafka.topic`) and the range (`restore.time.start`/`end`, `restore.offset.start`/`end`). " +
	"Records are read per archived Kafka partition in order of their files' start offsets and keep their partition number; " +
	"values come back as the format stores them (JSON as schemaless values, bytes as bytes, Avro and Parquet as Structs), " +
	"headers as strings, timestamps from `timestamp.field` with `timestamp.extractor=RecordField`. " +
	"Source partition `{\"topic\", \"partition\"}` (the archived one), source offset `{\"object\": <value file key>, \"index\": " +
	"<records of it consumed>}`: an interrupted restore resumes after the last record Kafka acknowledged. " +
	"Confluent's class `io.confluent.connect.s3.source.S3SourceConnector` is accepted as an alias. Example: `examples/s3-restore.json`."

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{Name: "s3source", Title: "S3 source", Intro: intro, Plugin: Plugin})
}

func TestExampleValidates(t *testing.T) {
	props := connecttest.ExampleConfig(t, "s3-restore.json")
	if props["connector.class"] != ConnectorClass {
		t.Fatalf("example %v: want connector.class %s", props, ConnectorClass)
	}
	c := &Connector{}
	if err := connecttest.ValidateConfig(t, ConnectorClass, props, c).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseConfig(props); err != nil {
		t.Fatal(err)
	}
	// A bad range shows up in the validation result, not only at Start.
	props["restore.time.end"] = "2024-01-05T06:00:00Z"
	if connecttest.ValidateConfig(t, ConnectorClass, props, c).Err() == nil {
		t.Fatal("an end before the start validated")
	}
}

func TestPluginNames(t *testing.T) {
	reg, err := connect.NewRegistry(Plugin)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ConnectorClass, ConfluentClassAlias, "S3SourceConnector", "S3Source"} {
		p, err := reg.Lookup(name)
		if err != nil || p.Class != ConnectorClass {
			t.Errorf("lookup %q: %v, %v", name, p.Class, err)
		}
	}
}
