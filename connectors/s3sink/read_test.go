package s3sink

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/connectless/connectless/connectors/archive/layout"
)

func layoutConfig(t *testing.T, extra map[string]string) *Config {
	t.Helper()
	props := map[string]string{"topics": "t", "storage.class": StorageClass, "format.class": JSONFormatClass, "flush.size": "1", "s3.bucket.name": "b"}
	for k, v := range extra {
		props[k] = v
	}
	c, err := ParseConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseObjectKey(t *testing.T) {
	def := layoutConfig(t, nil)
	custom := layoutConfig(t, map[string]string{"topics.dir": "", "directory.delim": "#", "file.delim": "~"})
	tests := []struct {
		cfg  *Config
		key  string
		ok   bool
		want layout.ObjectName
	}{
		{def, "topics/app-logs/partition=3/app-logs+3+0000001200.json.gz", true,
			layout.ObjectName{Topic: "app-logs", Encoded: "partition=3", Partition: 3, StartOffset: 1200, Ext: ".json.gz", Base: "topics/app-logs/partition=3/app-logs+3+0000001200"}},
		{def, "topics/app.logs/year=2024/month=01/day=05/hour=07/app.logs+0+0000000007.keys.avro", true,
			layout.ObjectName{Topic: "app.logs", Encoded: "year=2024/month=01/day=05/hour=07", Partition: 0, StartOffset: 7, View: layout.KeysView, Ext: ".avro",
				Base: "topics/app.logs/year=2024/month=01/day=05/hour=07/app.logs+0+0000000007"}},
		{def, "topics/t/region=eu/t+1+12345678901.headers.json", true,
			layout.ObjectName{Topic: "t", Encoded: "region=eu", Partition: 1, StartOffset: 12345678901, View: layout.HeadersView, Ext: ".json", Base: "topics/t/region=eu/t+1+12345678901"}},
		{custom, "t#partition=0#t~0~0000000004.snappy.parquet", true,
			layout.ObjectName{Topic: "t", Encoded: "partition=0", Partition: 0, StartOffset: 4, Ext: ".snappy.parquet", Base: "t#partition=0#t~0~0000000004"}},
		{def, "_manifests/topics/1700000000000-ab.json", false, layout.ObjectName{}},
		{def, "topics/t/partition=0/other+0+0000000000.json", false, layout.ObjectName{}},
		{def, "topics/t/partition=0/t+x+0000000000.json", false, layout.ObjectName{}},
		{def, "topics/t/t+0+0000000000.json", false, layout.ObjectName{}},
		{def, "other/t/partition=0/t+0+0000000000.json", false, layout.ObjectName{}},
	}
	for _, tc := range tests {
		got, ok := tc.cfg.ParseObjectKey(tc.key)
		if ok != tc.ok {
			t.Errorf("%s: ok=%v, want %v", tc.key, ok, tc.ok)
			continue
		}
		if ok {
			tc.want.Key = tc.key
			if got != tc.want {
				t.Errorf("%s:\n got %+v\nwant %+v", tc.key, got, tc.want)
			}
		}
	}
}

func TestTimeBuckets(t *testing.T) {
	hourly := layoutConfig(t, map[string]string{"partitioner.class": HourlyPartitionerClass, "locale": "en", "timezone": "UTC"})
	daily := layoutConfig(t, map[string]string{"partitioner.class": DailyPartitionerClass, "locale": "en", "timezone": "Europe/Paris"})
	ms := func(s string) int64 { tt, _ := time.Parse(time.RFC3339, s); return tt.UnixMilli() }
	tests := []struct {
		cfg        *Config
		start, end string
		want       []string
	}{
		{hourly, "2024-01-05T07:30:00Z", "2024-01-05T09:00:00Z", []string{"year=2024/month=01/day=05/hour=07", "year=2024/month=01/day=05/hour=08"}},
		{hourly, "2024-01-05T08:00:00Z", "2024-01-05T08:00:01Z", []string{"year=2024/month=01/day=05/hour=08"}},
		{daily, "2024-03-30T12:00:00Z", "2024-04-01T00:00:00Z", []string{"year=2024/month=03/day=30", "year=2024/month=03/day=31", "year=2024/month=04/day=01"}},
	}
	for _, tc := range tests {
		got, starts, err := tc.cfg.TimeBuckets(ms(tc.start), ms(tc.end), 100)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) || len(starts) != len(got) || !slices.IsSorted(starts) {
			t.Errorf("%s..%s: %v %v, want %v", tc.start, tc.end, got, starts, tc.want)
		}
	}
	if _, _, err := hourly.TimeBuckets(0, ms("2024-01-05T00:00:00Z"), 100); !errors.Is(err, layout.ErrConfig) {
		t.Errorf("too many buckets: %v", err)
	}
	if _, _, err := layoutConfig(t, nil).TimeBuckets(0, 1, 10); !errors.Is(err, layout.ErrConfig) {
		t.Errorf("default partitioner: %v", err)
	}
}
