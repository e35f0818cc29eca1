package iceberg

import (
	"context"
	"maps"
	"strings"
	"testing"

	ice "github.com/apache/iceberg-go"

	"github.com/connectless/connectless/core/connect"
)

func baseProps() map[string]string {
	return map[string]string{
		"name": "x", "connector.class": ConnectorClass, "topics": "t",
		TablesConfig: "db.logs", CatalogTypeConfig: "sql",
		CatalogURIConfig: "jdbc:postgresql://localhost:5432/cat", CatalogWarehouseConfig: "s3://b/wh",
	}
}

func TestConfigRefusals(t *testing.T) {
	cases := []struct {
		name, key, want string
		set             map[string]string
	}{
		{"upsert", UpsertModeConfig, "upsert mode (equality deletes) is not implemented", map[string]string{UpsertModeConfig: "true"}},
		{"id columns", IDColumnsConfig, "only used by upsert mode", map[string]string{IDColumnsConfig: "id"}},
		{"cdc", CDCFieldConfig, "CDC mode", map[string]string{CDCFieldConfig: "op"}},
		{"branch", CommitBranchConfig, "main branch only", map[string]string{CommitBranchConfig: "audit"}},
		{"case-insensitive", CaseInsensitiveConfig, "not implemented", map[string]string{CaseInsensitiveConfig: "true"}},
		{"no catalog", CatalogTypeConfig, "no catalog", map[string]string{CatalogTypeConfig: ""}},
		{"hive", CatalogTypeConfig, "not supported", map[string]string{CatalogTypeConfig: "hive"}},
		{"mysql uri", CatalogURIConfig, "only PostgreSQL", map[string]string{CatalogURIConfig: "jdbc:mysql://h/db"}},
		{"unknown catalog prop", "iceberg.catalog.client.assume-role.arn", "not supported", map[string]string{"iceberg.catalog.client.assume-role.arn": "arn"}},
		{"no tables", TablesConfig, "no table", map[string]string{TablesConfig: ""}},
		{"dynamic without field", RouteFieldConfig, "needs a route field", map[string]string{TablesConfig: "", DynamicEnabledConfig: "true"}},
		{"bad partition", PartitionByConfig, "partition term", map[string]string{PartitionByConfig: "days(ts"}},
		{"table override", "iceberg.table.db.logs.sort-order", "unknown table setting", map[string]string{"iceberg.table.db.logs.sort-order": "ts"}},
		{"io-impl", CatalogIOImplConfig, "S3FileIO", map[string]string{CatalogIOImplConfig: "org.apache.iceberg.hadoop.HadoopFileIO"}},
		{"catalog-impl", CatalogImplConfig, "not supported", map[string]string{CatalogImplConfig: "org.apache.iceberg.nessie.NessieCatalog"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := baseProps()
			maps.Copy(p, c.set)
			res := &connect.ConfigInfos{}
			for _, v := range ConfigDef().Validate(p) {
				info := connect.ConfigValueInfo{Name: v.Name, Errors: v.Errors}
				if len(v.Errors) > 0 {
					res.ErrorCount += len(v.Errors)
				}
				res.Configs = append(res.Configs, connect.ConfigInfo{Value: &info})
			}
			if err := (&Connector{}).Validate(context.Background(), p, res); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ci := range res.Configs {
				if ci.Value != nil && ci.Value.Name == c.key {
					got = append(got, ci.Value.Errors...)
				}
			}
			if len(got) == 0 || !strings.Contains(strings.Join(got, "; "), c.want) {
				t.Fatalf("errors of %s: %q, want one containing %q", c.key, got, c.want)
			}
		})
	}
}

func TestConfigAccepts(t *testing.T) {
	p := baseProps()
	maps.Copy(p, map[string]string{
		CatalogTypeConfig: "", CatalogImplConfig: "org.apache.iceberg.jdbc.JdbcCatalog",
		CatalogIOImplConfig: "org.apache.iceberg.aws.s3.S3FileIO", S3PathStyleConfig: "true",
		PartitionByConfig: "day(ts), identity(level), bucket(id, 16), host", ControlTopicConfig: "control-iceberg",
		"iceberg.table.db.logs.partition-by": "hour(ts)", AutoCreatePropsPrefix + "format-version": "2",
	})
	s, err := parse(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.CatalogType != CatalogSQL || s.GroupID != "connect-x" {
		t.Fatalf("catalog %q group %q", s.CatalogType, s.GroupID)
	}
	if got := s.PartitionFor("db.logs"); len(got) != 1 || got[0] != "hour(ts)" {
		t.Fatalf("partition override %v", got)
	}
	if io := ioProps(s); io["s3.force-virtual-addressing"] != "false" {
		t.Fatalf("io props %v", io)
	}
}

func TestPartitionTerms(t *testing.T) {
	sc := ice.NewSchema(0,
		ice.NestedField{ID: 1, Name: "ts", Type: ice.PrimitiveTypes.TimestampTz},
		ice.NestedField{ID: 2, Name: "level", Type: ice.PrimitiveTypes.String},
		ice.NestedField{ID: 3, Name: "id", Type: ice.PrimitiveTypes.Int64})
	spec, err := partitionSpec([]string{"day(ts)", "level", "bucket(id, 8)", "truncate(level, 3)"}, sc)
	if err != nil {
		t.Fatal(err)
	}
	// Field names as Java's PartitionSpec.Builder gives them (ts_day, level, id_bucket, level_trunc).
	want := []string{"ts_day[day]", "level[identity]", "id_bucket[bucket[8]]", "level_trunc[truncate[3]]"}
	var got []string
	for _, f := range spec.Fields() {
		got = append(got, f.Name+"["+f.Transform.String()+"]")
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("spec %v, want %v", got, want)
	}
}
