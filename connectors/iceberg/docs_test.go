package iceberg

import (
	"flag"
	"testing"

	"github.com/connectless/connectless/core/connect/connecttest"
)

var update = flag.Bool("update", false, "rewrite the reference pages in docs/connectors/")

func TestReferenceDocs(t *testing.T) {
	connecttest.ReferenceDocs(t, *update, connecttest.DocsSpec{
		Name: "iceberg-sink", Title: "Apache Iceberg sink", Plugin: Plugin, Intro: docsIntro,
	})
}

const docsIntro = "Appends Kafka records to Apache Iceberg tables through [iceberg-go](https://github.com/apache/iceberg-go) " +
	"(metadata, manifests and Parquet data files are iceberg-go's), with the class name and keys of the Apache Iceberg " +
	"Kafka Connect sink. Each commit appends one snapshot per table, conditioned on the snapshot the task read " +
	"(the catalog's atomic metadata swap); its summary carries `kafka.connect.offsets.<topic>.<group-id>` = " +
	"`{\"<partition>\":<next offset>}`, `kafka.connect.commit-id`, `connectless.lease.token` and " +
	"`connectless.lease.tokens.<group-id>` = `{\"<task>\":<newest lease token>}`. A starting task resumes " +
	"from the offsets in the tables' latest snapshots (and reports them, so the state store follows even a slice " +
	"that reads nothing). Of two invocations of a task that started from the same snapshot (a retry, a zombie " +
	"resumed past its lease) the first commit lands and the other fails with nothing visible. A stale " +
	"invocation's commit fails even before the lease holder commits: a task whose lease was taken from a holder " +
	"that did not release it (killed, timed out, frozen) first appends a fencing snapshot to each table it opens " +
	"(`connectless.fence` = `true`: one data file without rows, the offsets unchanged, its lease token), so the " +
	"previous holder's commit loses the race and, finding a newer token of its task, fails with nothing visible; an " +
	"invocation that opens a table holding a newer token of its task fails at once when the state store confirms " +
	"its lease was taken over (a state store that was replaced, whose tokens restarted, is not mistaken for it). " +
	"The stale invocation's state store commit is then fenced by its lease, and the next slice starts from the " +
	"table. With `iceberg.tables.dynamic-enabled` the fence covers the tables the new holder's slice opens.\n\n" +
	"**Catalogs.** `sql` (PostgreSQL, `jdbc:postgresql://…` or `postgres://…`; the tables `iceberg_tables` and " +
	"`iceberg_namespace_properties` are created when missing) is tested here against a real PostgreSQL server with " +
	"an S3 warehouse (versitygw). `rest` (Polaris, Nessie, S3 Tables, Lakekeeper…) and `glue` go through " +
	"iceberg-go's clients and are **not** tested against a real server here. Hive, Hadoop and Nessie's own API are " +
	"refused. Credentials come from the AWS SDK's default chain unless `iceberg.catalog.s3.access-key-id` is set.\n\n" +
	"**Prefixed keys.** `iceberg.catalog.*` passes the catalog properties listed below plus `oauth2-server-uri`, " +
	"`scope`, `prefix`, `rest.sigv4-enabled`, `rest.signing-region`, `rest.signing-name`, `header.*`, `glue.id`, " +
	"`glue.region`, `s3.region`, `s3.session-token`; any other is refused. `iceberg.table.<table>.partition-by` and " +
	"`iceberg.table.<table>.route-regex` override per table (`id-columns` and `commit-branch` are refused unless empty). " +
	"`iceberg.tables.auto-create-props.<property>` sets table properties on auto-created tables (e.g. " +
	"`format-version`, `write.target-file-size-bytes`, `write.parquet.compression-codec`).\n\n" +
	"**Types.** With a Connect schema (JsonConverter with `schemas.enable=true`, the Avro, Protobuf and JSON Schema " +
	"converters): int8/int16/int32 → int, int64 → long, float32 → float, float64 → double, boolean → boolean, " +
	"string → string, bytes → binary, Decimal → decimal(38, scale), Date → date, Time → time, Timestamp → timestamptz, " +
	"array → list, map → map, struct → struct; optional fields give optional columns. Schemaless JSON is inferred as the " +
	"Apache sink does: integers → long, other numbers → double, strings → string, booleans → boolean, objects → " +
	"struct (fields in key order), arrays → list of the first non-null element's type; null and empty arrays add no " +
	"column until a value shows the type; inferred columns are optional. Values convert to a column's type when they " +
	"fit (an integer to int when in range, numbers, booleans, objects and arrays to string as text/JSON, RFC 3339 " +
	"strings and epoch milliseconds to timestamps, yyyy-MM-dd strings to dates); a value that does not fit, a missing " +
	"required column, or a value that is not a struct or object sends the record to error handling (the dead-letter " +
	"queue with `errors.tolerance=all`) with an error naming the column. Fields without a column are not written " +
	"unless schema evolution is on, which adds them as optional columns and widens int → long and float → double. " +
	"Tombstones (null values) are skipped.\n\n" +
	"**Files.** A table buffers about 64 MiB of record input in Arrow builders before writing data files; data files " +
	"roll at the table's `write.target-file-size-bytes` or `iceberg.tables.target-file-size-bytes`; a commit (every " +
	"`iceberg.control.commit.interval-ms` within a slice, and at the slice's end) adds all files written since the last " +
	"one in one snapshot.\n\n" +
	"**Maintenance.** `connectless iceberg compact TABLE --connector NAME` (or `-f FILE`) rewrites small data files " +
	"into files of the target size in one replace snapshot (iceberg-go's compaction planner and RewriteDataFiles) " +
	"that keeps the sink's offsets, and with `--expire-older-than 168h` expires older snapshots and deletes the files " +
	"only they referenced. It is conditioned on the snapshot it read, so a sink commit in between makes it fail, " +
	"changing nothing; run it again. With `--remove-orphans-older-than 72h` it then deletes the files under the " +
	"table's location that nothing references and that are older than that age (iceberg-go's DeleteOrphanFiles, as " +
	"Iceberg's remove_orphan_files, whose default age is 3 days): the data and manifest files of fenced or killed " +
	"invocations. The age must exceed the longest slice, or files of a commit in progress would go.\n\n" +
	"**Not implemented** (refused by validation): upsert mode and CDC (equality/position deletes), identifier " +
	"columns, branches other than main, case-insensitive column matching, Hadoop configuration."
