package s3source

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/taskrun"
)

// TestIntegrationRestoreThroughTaskrun runs the restore as the serverless path does: a
// connector in the (memory) store, two tasks, invocations that commit source offsets under
// their lease, and a second round of invocations that finds nothing left.
func TestIntegrationRestoreThroughTaskrun(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "archive")
	client := startKafka(t)
	sp := sinkProps(s, "archive", partitionerCases[3], formatCases[0]) // time-based RecordField, JSON
	in := logs(structValues, 2, 24)
	archive(t, sp, in)
	from, to := base.Add(time.Hour), base.Add(3*time.Hour)
	cfg := sourceProps(sp, map[string]string{
		"tasks.max": "2", "restore.time.start": from.Format(time.RFC3339), "restore.time.end": to.Format(time.RFC3339),
		"key.converter": "org.apache.kafka.connect.storage.StringConverter", "value.converter": "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false", BatchSizeConfig: "5",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	reg, err := connect.NewRegistry(append(config.BuiltinPlugins(), Plugin)...)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	if err := st.CreateConnector(ctx, "restore", cfg, store.TargetRunning); err != nil {
		t.Fatal(err)
	}
	conn := &Connector{}
	if err := conn.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tasks, err := conn.TaskConfigs(2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTaskConfigs(ctx, "restore", tasks); err != nil {
		t.Fatal(err)
	}
	c, err := st.Connector(ctx, "restore")
	if err != nil {
		t.Fatal(err)
	}
	env := &taskrun.Env{Store: st, Registry: reg, Kafka: client, Holder: "test", Margin: 100 * time.Millisecond, IdlePolls: 1,
		Pipeline: taskrun.DefaultPipeline(reg, nil)}
	total := 0
	for round := range 2 {
		for task := range 2 {
			res, err := taskrun.Run(ctx, env, schedule.Payload{Connector: "restore", Task: task, Generation: c.Generation}, time.Now().Add(20*time.Second))
			if err != nil {
				t.Fatalf("round %d task %d: %v", round, task, err)
			}
			if round == 1 && res.Written != 0 {
				t.Fatalf("second round task %d wrote %d records again", task, res.Written)
			}
			total += res.Written
		}
	}
	want := between(in, from, to)
	if total != len(want) {
		t.Fatalf("restored %d records, want %d", total, len(want))
	}
	for p := range int32(2) {
		if got, w := restoredSeqs(t, client, p), seqs(want, p); !slices.Equal(got, w) {
			t.Errorf("partition %d restored %v, want %v", p, got, w)
		}
	}
}
