package kafkatopic

import (
	"errors"
	"testing"

	"github.com/connectless/connectless/core/store"
)

// Record bytes that Kafka Connect workers wrote to their internal topics, as published by
// others; our encoders must produce the same bytes for the same data.
func TestRecordsMatchKafkaConnect(t *testing.T) {
	b := mustBytes(t)
	tests := []struct {
		source    string
		got, want string
	}{
		// Robin Moffatt, "Reset Kafka Connect Source Connector Offsets" (rmoff.net, 2019):
		// kafkacat dump of the JDBC source connector's record in connect-offsets. The offset
		// map's keys come out in java.util.HashMap order, not sorted.
		{"rmoff JDBC offset key", string(b(EncodeOffsetKey("jdbc_source_mysql_08", map[string]any{"protocol": "1", "table": "demo.accounts"}))),
			`["jdbc_source_mysql_08",{"protocol":"1","table":"demo.accounts"}]`},
		{"rmoff JDBC offset value", string(b(EncodeOffsetValue(map[string]any{"timestamp": int64(1547030056000), "timestamp_nanos": int64(0)}))),
			`{"timestamp_nanos":0,"timestamp":1547030056000}`},
		// Timescale's Debezium PostgreSQL tutorial (docs: "watch-topic" output of the Connect
		// internal topics): a Debezium offset of six fields, in HashMap order, and the
		// status records of the connector and its task.
		{"Debezium offset key", string(b(EncodeOffsetKey("timescaledb-connector", map[string]any{"server": "accounts"}))),
			`["timescaledb-connector",{"server":"accounts"}]`},
		{"Debezium offset value", string(b(EncodeOffsetValue(map[string]any{"last_snapshot_record": true, "lsn": int64(33351024), "txId": int64(893),
			"ts_usec": int64(1746009337290783), "snapshot": "INITIAL", "snapshot_completed": true}))),
			`{"last_snapshot_record":true,"lsn":33351024,"txId":893,"ts_usec":1746009337290783,"snapshot":"INITIAL","snapshot_completed":true}`},
		{"task status key", TaskStatusKey("timescaledb-connector", 0), "status-task-timescaledb-connector-0"},
		{"connector status key", ConnectorStatusKey("timescaledb-connector"), "status-connector-timescaledb-connector"},
		{"task status value", string(b(EncodeStatus(store.Status{State: store.StateRunning, WorkerID: "172.17.0.5:8083", Generation: 31}))),
			`{"state":"RUNNING","trace":null,"worker_id":"172.17.0.5:8083","generation":31}`},
		// codecentric blog "ETL with Kafka" (2018): connect-configs and connect-offsets values
		// of a Twitter source connector.
		{"commit value", string(b(EncodeCommit(1))), `{"tasks":1}`},
		{"twitter offset value", string(b(EncodeOffsetValue(map[string]any{"tweetId": int64(968476484095610880)}))), `{"tweetId":968476484095610880}`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.source, tt.got, tt.want)
		}
	}
	// The codecentric dump's target state predates "state.v2" (Kafka 3.5); it still reads.
	if st, err := DecodeTargetState([]byte(`{"state":"STARTED"}`)); err != nil || st != store.TargetRunning {
		t.Errorf(`DecodeTargetState({"state":"STARTED"}) = %v, %v; want RUNNING`, st, err)
	}
}

// Offsets read back from a JSON store hold float64: integral ones are written as Longs, as the
// connector stored them; others as Java prints a Double.
func TestOffsetNumbersAsJava(t *testing.T) {
	got, err := EncodeOffsetValue(map[string]any{"timestamp": float64(1547030056000), "timestamp_nanos": 0.0})
	if want := `{"timestamp_nanos":0,"timestamp":1547030056000}`; err != nil || string(got) != want {
		t.Errorf("integral floats: %s, %v; want %s", got, err, want)
	}
	for f, want := range map[float64]string{0.25: `{"n":0.25}`, 1e21: `{"n":1.0E21}`, 1e-5: `{"n":1.0E-5}`} {
		if got, err := EncodeOffsetValue(map[string]any{"n": f}); err != nil || string(got) != want {
			t.Errorf("%v: %s, %v; want %s", f, got, err, want)
		}
	}
	if _, err := EncodeOffsetValue(map[string]any{"ch": make(chan int)}); !errors.Is(err, ErrBadRecord) {
		t.Errorf("unencodable offset: %v, want ErrBadRecord", err)
	}
}
