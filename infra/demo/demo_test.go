package demo

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationDemo runs the whole demo on real services and checks its counts: every
// produced record is in the archive (counted by reading the objects back), the archive
// spans several hours, both connectors report RUNNING tasks, and the restored hour holds
// as many records as the archive has for it.
func TestIntegrationDemo(t *testing.T) {
	devstacktest.Binary(t, "versitygw")
	var out bytes.Buffer
	const records = 30000
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, Options{Out: &out, Records: records, Partitions: 3, Span: 3 * time.Hour})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Produced != records || rep.Archived != records {
		t.Errorf("produced %d, archived %d, want %d each", rep.Produced, rep.Archived, records)
	}
	hours := map[time.Time]bool{}
	var sum int64
	for _, o := range rep.Objects {
		h, ok := hourOf(o.Key)
		if !ok || !strings.HasSuffix(o.Key, ".json.gz") || o.Size <= 0 || o.Records <= 0 {
			t.Errorf("object %+v: want an hourly .json.gz key with records", o)
		}
		hours[h] = true
		sum += o.Records
	}
	if sum != rep.Archived || len(hours) < 3 {
		t.Errorf("objects hold %d records over %d hours, want %d over at least 3", sum, len(hours), rep.Archived)
	}
	if rep.HourArchived <= 0 || rep.Restored != rep.HourArchived {
		t.Errorf("restored %d records of hour %s, archive holds %d", rep.Restored, rep.Hour, rep.HourArchived)
	}
	for _, st := range []statusInfo{rep.Archive, rep.Restore} {
		if st.Connector.State != "RUNNING" || len(st.Tasks) != 2 {
			t.Errorf("status %+v: want a RUNNING connector with 2 tasks", st)
		}
		for _, task := range st.Tasks {
			if task.State != "RUNNING" {
				t.Errorf("%s task %d is %s: %s", st.Name, task.ID, task.State, task.Trace)
			}
		}
	}
	for _, want := range []string{"check ok: archived records = produced records = 30000", "GET /connectors/app-logs-archive/status", "scheduler tick 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestHourOf(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want string // RFC 3339, "" for no hour
	}{
		{"topics/app-logs/dt=2024-01-05/hour=07/app-logs+3+0000001200.json.gz", "2024-01-05T07:00:00Z"},
		{"topics/app-logs/dt=2024-12-31/hour=23/app-logs+0+0000000000.json.gz", "2024-12-31T23:00:00Z"},
		{"topics/app-logs/partition=3/app-logs+3+0000001200.json.gz", ""},
		{"topics/app-logs/dt=2024-01-05/hour=7x/a.json", ""},
		{"topics/app-logs/dt=2024", ""},
	} {
		h, ok := hourOf(tc.key)
		got := ""
		if ok {
			got = h.Format(time.RFC3339)
		}
		if got != tc.want {
			t.Errorf("hourOf(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

func TestFullestHour(t *testing.T) {
	k := func(hour string) string {
		return "topics/app-logs/dt=2024-01-05/hour=" + hour + "/app-logs+0+0000000000.json.gz"
	}
	for _, tc := range []struct {
		name  string
		objs  []Object
		want  string
		count int64
		ok    bool
	}{
		{"none", nil, "", 0, false},
		{"sum over partitions", []Object{{Key: k("07"), Records: 5}, {Key: k("08"), Records: 4}, {Key: k("08"), Records: 3}}, "08", 7, true},
		{"tie: earliest", []Object{{Key: k("09"), Records: 5}, {Key: k("07"), Records: 5}}, "07", 5, true},
		{"not hourly", []Object{{Key: "topics/app-logs/partition=0/app-logs+0+0000000000.json", Records: 5}}, "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, n, ok := fullestHour(tc.objs)
			if ok != tc.ok || (ok && (h.Format("15") != tc.want || n != tc.count)) {
				t.Errorf("fullestHour = %s, %d, %v; want hour %s, %d, %v", h, n, ok, tc.want, tc.count, tc.ok)
			}
		})
	}
}

// TestRestoreWithoutHourlyObjects checks that a restore with nothing hourly to restore fails
// the demo with ErrCheck instead of reporting success.
func TestRestoreWithoutHourlyObjects(t *testing.T) {
	r := &run{opts: Options{Out: &bytes.Buffer{}}, start: time.Now()}
	r.report.Objects = []Object{{Key: "topics/app-logs/partition=0/app-logs+0+0000000000.json", Records: 3}}
	if err := r.restore(context.Background()); !errors.Is(err, ErrCheck) {
		t.Fatalf("restore: %v, want ErrCheck", err)
	}
}

func TestNextFiring(t *testing.T) {
	at := time.Date(2024, 1, 5, 7, 32, 10, 0, time.UTC)
	for _, tc := range []struct {
		expr string
		want time.Time
	}{
		{"rate(1 hour)", time.Date(2024, 1, 5, 8, 0, 0, 0, time.UTC)},
		{"rate(15 minutes)", time.Date(2024, 1, 5, 7, 45, 0, 0, time.UTC)},
		{"cron(5 * * * ? *)", time.Date(2024, 1, 5, 8, 5, 0, 0, time.UTC)},
		{"continuous", time.Date(2024, 1, 5, 7, 33, 0, 0, time.UTC)},
	} {
		s, err := schedule.Parse(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := nextFiring(s, at); !got.Equal(tc.want) {
			t.Errorf("nextFiring(%s, %s) = %s, want %s", tc.expr, at, got, tc.want)
		}
	}
}
