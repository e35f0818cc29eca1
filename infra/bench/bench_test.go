package bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/connectless/connectless/infra/devstack"
)

// childEnv makes the test binary act as the benchmark's child process.
const childEnv = "CONNECTLESS_BENCH_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := RunChild(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestStatOf(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want Stat
	}{
		{"empty", nil, Stat{}},
		{"one", []float64{3}, Stat{3, 3, 3}},
		{"odd count, unsorted", []float64{5, 1, 3}, Stat{1, 3, 5}},
		{"even count takes the middle pair's mean", []float64{4, 1, 2, 3}, Stat{1, 2.5, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.in...)
			if got := statOf(in); got != tt.want {
				t.Errorf("statOf(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("statOf reordered its input: %v", in)
				}
			}
		})
	}
}

func TestCostPerTB(t *testing.T) {
	m := CostModel{Prices: DefaultPrices()}
	base := m.CostPerTB("x", 20)
	tests := []struct {
		name  string
		check func() bool
	}{
		{"Lambda GB-seconds scale with CPU seconds", func() bool {
			return near(m.CostPerTB("x", 40).LambdaGBSeconds, 2*base.LambdaGBSeconds)
		}},
		{"a CPU-bound task costs the same GB-seconds at twice the memory (twice the vCPUs)", func() bool {
			m2 := m
			m2.LambdaMemoryMB = 2 * 1769
			return near(m2.CostPerTB("x", 20).LambdaGBSeconds, base.LambdaGBSeconds)
		}},
		{"at 1769 MB (one vCPU) duration is the CPU time", func() bool {
			return near(base.LambdaGBSeconds, 20*1000*1769.0/1024)
		}},
		{"Lambda dollars are GB-seconds and requests at their prices", func() bool {
			p := m.Prices
			return near(base.Lambda, base.LambdaGBSeconds*p.LambdaGBSecond+base.LambdaRequests*p.LambdaPerMillionRequests/1e6)
		}},
		{"one request per invocation length of duration", func() bool {
			return base.LambdaRequests == math.Ceil(20*1000/300.0)
		}},
		{"MSK Connect hours are a TB at the per-MCU rate", func() bool {
			return near(base.MCUHours, 1e6/6.25/3600) && near(base.MSKConnect, base.MCUHours*m.Prices.MSKConnectMCUHour)
		}},
		{"Firehose is 1000 GB at its price", func() bool { return near(base.Firehose, 1000*m.Prices.FirehosePerGB) }},
		{"zero model fields take the defaults", func() bool {
			var zero CostModel
			zero.Prices = DefaultPrices()
			return zero.CostPerTB("x", 20) == base
		}},
	}
	for _, tt := range tests {
		if !tt.check() {
			t.Errorf("%s: %+v", tt.name, base)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

func TestLogLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.UTC)
	for _, size := range []int{50, 200, 400, 1000} {
		for range 50 {
			line := logLine(nil, rng, at, size)
			var v map[string]any
			if err := json.Unmarshal(line, &v); err != nil {
				t.Fatalf("size %d: not JSON: %v: %s", size, err, line)
			}
			// below the fields' own length a line keeps its fields and is not padded
			if len(line) < size-2 || (len(line) > size+2 && len(line) > 180) {
				t.Fatalf("size %d: line of %d bytes: %s", size, len(line), line)
			}
			if v["ts"] != "2024-01-05T10:00:00.000Z" {
				t.Fatalf("ts = %v", v["ts"])
			}
		}
	}
}

func TestObjectBuffer(t *testing.T) {
	for _, kind := range []string{"none", "gzip", "zstd"} {
		o, err := newObjectBuffer(kind)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 { // reset must start a fresh, complete object
			for i := range 3 + round {
				if err := o.add([]byte(`{"i":` + string(rune('0'+i)) + `}`)); err != nil {
					t.Fatal(err)
				}
			}
			body, err := o.finish()
			if err != nil {
				t.Fatal(err)
			}
			// read back with the standard library's gzip and the S3 source's zstd reader
			var r io.Reader = bytes.NewReader(body)
			switch kind {
			case "gzip":
				if r, err = gzip.NewReader(r); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			case "zstd":
				zr, err := zstd.NewReader(r)
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				defer zr.Close()
				r = zr
			}
			lines := 0
			for sc := bufio.NewScanner(r); sc.Scan(); lines++ {
			}
			if lines != 3+round {
				t.Errorf("%s round %d: %d lines, want %d", kind, round, lines, 3+round)
			}
			o.reset()
		}
	}
	if _, err := newObjectBuffer("lz4"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("lz4: %v, want ErrUnknownKind", err)
	}
}

func TestRunChildRejectsBadJobs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"unknown kind", `{"kind":"nope"}`, ErrUnknownKind},
		{"not JSON", `{`, nil},
		{"ceiling without brokers", `{"kind":"ceiling"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := RunChild(context.Background(), strings.NewReader(tt.in), &out)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if tt.name != "not JSON" {
				var res JobResult
				if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || res.Error == "" {
					t.Fatalf("result %q (%v): want the error in it", out.String(), jerr)
				}
			}
		})
	}
}

// TestIntegrationBench runs the whole benchmark small: every P1 variant must archive every
// record (counted in the bucket), and P2 to P5 must produce their figures.
func TestIntegrationBench(t *testing.T) {
	var out bytes.Buffer
	opts := Options{
		Out: &out, Records: 3000, RecordSize: 150, Partitions: 2, Tasks: 2, Runs: 1, ObjectBytes: 100 << 10,
		MemoryRecords: 400, MemoryPartitions: []int{1, 4}, FanOutConnectors: 2, FanOutTasks: 3, AvroRecords: 1200, ScalingTasks: []int{1, 2}, ScalingRecords: 900, SourceRecords: 700,
		Child: func(ctx context.Context) *exec.Cmd {
			cmd := exec.CommandContext(ctx, os.Args[0])
			cmd.Env = append(os.Environ(), childEnv+"=1")
			return cmd
		},
	}
	rep, err := Run(context.Background(), opts)
	var missing *devstack.MissingError
	if errors.As(err, &missing) && os.Getenv("CI") != "true" {
		t.Skipf("%v (make deps)", err)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	// none: ceiling, worker, serverless, worker bytes, worker asread; gzip: ceiling, worker;
	// zstd: ceiling, worker
	if len(rep.Archive) != 9 {
		t.Fatalf("%d P1 variants, want 9", len(rep.Archive))
	}
	if len(rep.Scaling) != 2 || rep.Scaling[1].Tasks != 2 {
		t.Fatalf("P6: %+v", rep.Scaling)
	}
	for _, v := range append(rep.Archive, rep.Scaling...) {
		s, want := v.Runs[0], int64(3000)
		if strings.Contains(v.Name, "tasks.max") {
			want = 900
		}
		if s.Counted != want || s.Read != want || s.CPUSeconds <= 0 || s.PeakRSSMB <= 0 || v.MsgsPerS.Median <= 0 {
			t.Errorf("%s: %+v", v.Name, s)
		}
		if v.Path == KindCeiling && v.RatioToCeiling != 1 {
			t.Errorf("%s: ratio %v", v.Name, v.RatioToCeiling)
		}
		if s.Objects < 2 {
			t.Errorf("%s: %d objects, want at least one per partition", v.Name, s.Objects)
		}
	}
	if len(rep.Source) != 2 || rep.SourceValueBytes <= 0 {
		t.Fatalf("P7: %+v", rep.Source)
	}
	for _, v := range rep.Source {
		if s := v.Runs[0]; s.Counted != 700 || s.Read != 700 || s.CPUSeconds <= 0 || v.MsgsPerS.Median <= 0 {
			t.Errorf("P7 %s: %+v", v.Name, s)
		}
	}
	if len(rep.AvroParquet) != 2 || rep.AvroValueBytes <= 0 {
		t.Fatalf("Avro -> Parquet row: %+v", rep.AvroParquet)
	}
	for _, v := range rep.AvroParquet {
		s := v.Runs[0]
		if s.Counted != 1200 || s.Read != 1200 || s.CPUSeconds <= 0 || v.MsgsPerS.Median <= 0 || v.CPUSPerGB.Median <= 0 {
			t.Errorf("%s: %+v", v.Name, s)
		}
		if v.Path == KindCeiling && v.RatioToCeiling != 1 {
			t.Errorf("%s: ratio %v", v.Name, v.RatioToCeiling)
		}
	}
	if ib := rep.Iceberg; ib == nil {
		t.Log("no Iceberg row: PostgreSQL missing")
	} else {
		t.Logf("Iceberg row: %.0f msg/s, commit %.0f ms", ib.MsgsPerS.Median, ib.CommitMs.Median)
		if s := ib.Runs[0]; s.Counted != 3000 || s.CPUSeconds <= 0 || ib.CommitMs.Median <= 0 {
			t.Errorf("Iceberg row: %+v", ib)
		}
		if !strings.Contains(out.String(), "P1 JSON logs -> Iceberg") || !strings.Contains(out.String(), s3ParquetName) {
			t.Errorf("table lacks the Iceberg row or the ParquetFormat beside it:\n%s", out.String())
		}
		if pq := ib.S3Parquet; pq == nil || pq.Runs[0].Counted != 3000 || pq.Runs[0].Objects < 2 || pq.CPUSPerGB.Median <= 0 {
			t.Errorf("the S3 sink's ParquetFormat beside the Iceberg row: %+v", pq)
		}
	}
	if len(rep.Memory) != 2 || rep.Memory[1].Counted != 400 || rep.Memory[1].PeakRSSMB <= 0 {
		t.Errorf("P2: %+v", rep.Memory)
	}
	if rep.Overhead.StoreMs.Median <= 0 || rep.Overhead.Error != "" {
		t.Errorf("P3: %+v", rep.Overhead)
	}
	if rep.FanOut.Tasks != 6 || rep.FanOut.Error != "" || rep.FanOut.TickMs.Median <= 0 {
		t.Errorf("P4: %+v", rep.FanOut)
	}
	if len(rep.Cost) != 6 { // every connectless P1 variant
		t.Errorf("P5: %+v", rep.Cost)
	}
	for _, want := range []string{"P1 archive throughput", "worker/gzip", "worker/zstd", "worker/none/bytes", "worker/none/asread", "P6 scaling", "P7 source path", "P1 Avro -> Parquet", "worker/avro-parquet", "P2 memory", "P3 invocation overhead", "P4 fan-out", "P5 cost per TB"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
