package httpsink

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// server is a local HTTP endpoint that accepts JSON array or NDJSON batches. respond decides
// each answer from the attempt number and the decoded values; accepted values are kept.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	attempts int
	times    []time.Time
	requests []*nethttp.Request
	accepted []map[string]any
	respond  func(attempt int, values []map[string]any) (status int, header map[string]string)
}

func newServer(t *testing.T, respond func(attempt int, values []map[string]any) (int, map[string]string)) *server {
	s := &server{respond: respond}
	s.Server = httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		body, _ := io.ReadAll(r.Body)
		values, err := decode(r.Header.Get("Content-Type"), body)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.attempts++
		s.times = append(s.times, time.Now())
		s.requests = append(s.requests, r)
		if err != nil {
			nethttp.Error(w, err.Error(), nethttp.StatusBadRequest)
			return
		}
		status, header := 200, map[string]string(nil)
		if s.respond != nil {
			status, header = s.respond(s.attempts, values)
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		if status/100 == 2 {
			s.accepted = append(s.accepted, values...)
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "status %d", status)
	}))
	t.Cleanup(s.Close)
	return s
}

func decode(contentType string, body []byte) ([]map[string]any, error) {
	var out []map[string]any
	switch contentType {
	case "application/json":
		err := json.Unmarshal(body, &out)
		return out, err
	case "application/x-ndjson":
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, sc.Err()
	}
	return nil, fmt.Errorf("content type %q", contentType)
}

func (s *server) snapshot() (attempts int, accepted []map[string]any, reqs []*nethttp.Request, times []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts, append([]map[string]any(nil), s.accepted...), append([]*nethttp.Request(nil), s.requests...), append([]time.Time(nil), s.times...)
}

// records returns n records whose values are {"n": i}, as schemaless maps.
func records(n int) []connect.SinkRecord {
	out := make([]connect.SinkRecord, n)
	for i := range out {
		r := connect.NewSinkRecord("events", 0, int64(i))
		r.Value = map[string]any{"n": int64(i)}
		out[i] = r
	}
	return out
}

func config(url string, kv ...string) map[string]string {
	p := map[string]string{"http.api.url": url, "retry.backoff.ms": "1", "max.retries": "3"}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return p
}

func startTask(t *testing.T, props map[string]string) (*Task, *connecttest.SinkContext) {
	t.Helper()
	task, tctx := &Task{}, &connecttest.SinkContext{}
	if err := task.Start(t.Context(), props, tctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { task.Stop() })
	return task, tctx
}

func ns(values []map[string]any) []int {
	out := make([]int, len(values))
	for i, v := range values {
		out[i] = int(v["n"].(float64))
	}
	return out
}

func TestConformance(t *testing.T) {
	srv := newServer(t, nil)
	connecttest.Run(t, connecttest.Suite{
		Plugin: Plugin,
		Config: config(srv.URL, "topics", "events"),
		Records: func(_ testing.TB, n int) []connect.SinkRecord {
			return records(n)
		},
		CheckSink: func(t testing.TB, written []connect.SinkRecord) {
			_, accepted, _, _ := srv.snapshot()
			if len(accepted) < len(written) {
				t.Fatalf("server accepted %d values, want at least %d", len(accepted), len(written))
			}
		},
	})
}

func TestBatchesHeadersAndAuth(t *testing.T) {
	tests := []struct {
		name     string
		props    []string
		wantType string
		wantAuth string
	}{
		{"json array with basic auth", []string{"auth.type", "basic", "connection.user", "ann", "connection.password", "s3cret"}, "application/json", "Basic YW5uOnMzY3JldA=="},
		{"ndjson with a bearer token", []string{"batch.format", "ndjson", "auth.type", "BEARER", "bearer.token", "tok"}, "application/x-ndjson", "Bearer tok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, nil)
			props := config(srv.URL, append([]string{"batch.max.size", "100", "headers", "X-Env: prod|X-Team:data"}, tt.props...)...)
			task, _ := startTask(t, props)
			if err := task.Put(t.Context(), records(250)); err != nil {
				t.Fatal(err)
			}
			if n, _, _, _ := srv.snapshot(); n != 2 {
				t.Fatalf("Put of 250 records sent %d requests, want 2 full batches", n)
			}
			if err := task.Flush(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			n, accepted, reqs, _ := srv.snapshot()
			if n != 3 || len(accepted) != 250 {
				t.Fatalf("%d requests, %d values; want 3 requests and 250 values", n, len(accepted))
			}
			for i, got := range ns(accepted) {
				if got != i {
					t.Fatalf("value %d is n=%d: order lost", i, got)
				}
			}
			for _, r := range reqs {
				if r.Method != "POST" || r.Header.Get("Content-Type") != tt.wantType || r.Header.Get("Authorization") != tt.wantAuth ||
					r.Header.Get("X-Env") != "prod" || r.Header.Get("X-Team") != "data" {
					t.Fatalf("request %s %v", r.Method, r.Header)
				}
			}
		})
	}
}

func TestRetriesOn429And500(t *testing.T) {
	tests := []struct {
		name     string
		respond  func(int, []map[string]any) (int, map[string]string)
		attempts int
		minGap   time.Duration
	}{
		{"429 with Retry-After", func(a int, _ []map[string]any) (int, map[string]string) {
			if a == 1 {
				return 429, map[string]string{"Retry-After": "1"}
			}
			return 200, nil
		}, 2, time.Second},
		{"500 then 503 then success", func(a int, _ []map[string]any) (int, map[string]string) {
			return map[int]int{1: 500, 2: 503}[a] + map[bool]int{true: 200}[a > 2], nil
		}, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.respond)
			task, tctx := startTask(t, config(srv.URL))
			if err := task.Put(t.Context(), records(10)); err != nil {
				t.Fatal(err)
			}
			if err := task.Flush(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			n, accepted, _, times := srv.snapshot()
			if n != tt.attempts || len(accepted) != 10 || len(tctx.Reported()) != 0 {
				t.Fatalf("%d attempts, %d accepted, %d reported; want %d attempts, 10 accepted once, none reported", n, len(accepted), len(tctx.Reported()), tt.attempts)
			}
			if gap := times[1].Sub(times[0]); gap < tt.minGap {
				t.Errorf("retried after %v, want at least the Retry-After of %v", gap, tt.minGap)
			}
		})
	}
}

func TestRejectedRecordsAreIsolatedAndReported(t *testing.T) {
	poison := map[int]bool{3: true, 17: true}
	srv := newServer(t, func(_ int, values []map[string]any) (int, map[string]string) {
		for _, n := range ns(values) {
			if poison[n] {
				return 400, nil
			}
		}
		return 200, nil
	})
	task, tctx := startTask(t, config(srv.URL, "batch.max.size", "8"))
	if err := task.Put(t.Context(), records(20)); err != nil {
		t.Fatal(err)
	}
	if err := task.Flush(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	_, accepted, _, _ := srv.snapshot()
	seen := map[int]int{}
	for _, n := range ns(accepted) {
		seen[n]++
	}
	for i := range 20 {
		if want := map[bool]int{false: 1}[poison[i]]; seen[i] != want {
			t.Errorf("record %d accepted %d times, want %d", i, seen[i], want)
		}
	}
	rep := tctx.Reported()
	if len(rep) != 2 || rep[0].Record.OriginalOffset != 3 || rep[1].Record.OriginalOffset != 17 {
		t.Fatalf("reported %+v, want offsets 3 and 17", rep)
	}
	var se *StatusError
	if !errors.As(rep[0].Err, &se) || se.Status != 400 || !strings.Contains(se.Body, "status 400") {
		t.Fatalf("reported error %v, want the 400 answer", rep[0].Err)
	}
}

func TestTaskFailures(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		attempts int
		is       error
		fatal    bool
	}{
		{"wrong credentials", 401, 1, nil, true},
		{"forbidden", 403, 1, nil, true},
		{"wrong path", 404, 1, nil, true},
		{"server down for good", 502, 4, ErrRetriesExhausted, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(int, []map[string]any) (int, map[string]string) { return tt.status, nil })
			task, tctx := startTask(t, config(srv.URL))
			if err := task.Put(t.Context(), records(5)); err != nil {
				t.Fatal(err)
			}
			err := task.Flush(t.Context(), nil)
			var se *StatusError
			if !errors.As(err, &se) || se.Status != tt.status || se.Fatal() != tt.fatal {
				t.Fatalf("Flush = %v, want a %d answer", err, tt.status)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("Flush = %v, want %v", err, tt.is)
			}
			if n, _, _, _ := srv.snapshot(); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			if len(tctx.Reported()) != 0 {
				t.Errorf("records were reported; a task failure must leave them uncommitted instead")
			}
		})
	}
	t.Run("unreachable URL", func(t *testing.T) {
		srv := newServer(t, nil)
		url := srv.URL
		srv.Close()
		task, _ := startTask(t, config(url, "max.retries", "1"))
		if err := task.Put(t.Context(), records(1)); err != nil {
			t.Fatal(err)
		}
		err := task.Flush(t.Context(), nil)
		if !errors.Is(err, ErrRetriesExhausted) || !strings.Contains(err.Error(), strings.TrimPrefix(url, "http://")) || !strings.Contains(err.Error(), URLConfig) {
			t.Fatalf("Flush = %v, want retries exhausted naming %s and %s", err, url, URLConfig)
		}
	})
}

type strictContext struct{ connecttest.SinkContext }

func (c *strictContext) Reporter() connect.ErrantRecordReporter { return strictReporter{} }

type strictReporter struct{}

func (strictReporter) Report(_ context.Context, _ connect.SinkRecord, err error) error { return err }

func TestUnencodableValues(t *testing.T) {
	srv := newServer(t, nil)
	task, tctx := startTask(t, config(srv.URL, "behavior.on.null.values", "fail"))
	st := connect.StructBuilder().Field("id", connect.Int32Schema()).Field("score", connect.Float64Schema()).Build()
	values := []any{
		`{"n": 0, "raw": true}`, // a JSON document in a string: sent as is
		[]byte(`{"n":1}`),       // and in bytes
		connect.NewStruct(st).MustPut("id", int32(2)).MustPut("score", 0.5),
		"not json",                 // reported
		struct{ X int }{1},         // reported: not Connect data
		map[any]any{int32(1): "x"}, // sent as Jackson writes it: the key's toString
		nil,                        // reported with behavior.on.null.values=fail
		map[string]any{"n": int64(7)},
	}
	recs := make([]connect.SinkRecord, len(values))
	for i, v := range values {
		recs[i] = connect.NewSinkRecord("events", 0, int64(i))
		recs[i].Value = v
	}
	if err := task.Put(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	if err := task.Flush(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	_, accepted, _, _ := srv.snapshot()
	body, _ := json.Marshal(accepted)
	if want := `[{"n":0,"raw":true},{"n":1},{"id":2,"score":0.5},{"1":"x"},{"n":7}]`; string(body) != want {
		t.Fatalf("server accepted %s, want %s", body, want)
	}
	rep := tctx.Reported()
	if len(rep) != 3 {
		t.Fatalf("reported %d records, want 3", len(rep))
	}
	for _, r := range rep {
		if !errors.Is(r.Err, ErrUnencodable) {
			t.Errorf("reported %v, want ErrUnencodable", r.Err)
		}
	}

	// With errors.tolerance=none the report fails Put, and nothing is sent.
	strict := &Task{}
	if err := strict.Start(t.Context(), config(srv.URL), &strictContext{}); err != nil {
		t.Fatal(err)
	}
	before, _, _, _ := srv.snapshot()
	if err := strict.Put(t.Context(), recs[3:5]); !errors.Is(err, ErrUnencodable) {
		t.Fatalf("strict Put = %v, want ErrUnencodable", err)
	}
	if after, _, _, _ := srv.snapshot(); after != before {
		t.Fatal("a failed Put sent a request")
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		key   string
		want  string
	}{
		{"missing URL", map[string]string{}, "http.api.url", "Missing required configuration"},
		{"not http", map[string]string{"http.api.url": "ftp://example.com/x"}, "http.api.url", "want an absolute http:// or https:// URL"},
		{"relative URL", map[string]string{"http.api.url": "/ingest"}, "http.api.url", "want an absolute"},
		{"bad method", map[string]string{"http.api.url": "http://h/", "request.method": "GET"}, "request.method", "String must be one of"},
		{"bad header", map[string]string{"http.api.url": "http://h/", "headers": "X-Env"}, "headers", `header "X-Env" is not Name:Value`},
		{"basic without user", map[string]string{"http.api.url": "http://h/", "auth.type": "BASIC"}, "connection.user", "BASIC needs connection.user"},
		{"bearer without token", map[string]string{"http.api.url": "http://h/", "auth.type": "bearer"}, "bearer.token", "BEARER needs bearer.token"},
		{"bad format", map[string]string{"http.api.url": "http://h/", "batch.format": "csv"}, "batch.format", "String must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Connector{}
			if err := c.Start(t.Context(), tt.props); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start = %v, want an error saying %q", err, tt.want)
			}
			infos := connect.ValidateAll(Class, tt.props, c.Config())
			if err := c.Validate(t.Context(), tt.props, &infos); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ci := range infos.Configs {
				if ci.Value != nil && ci.Value.Name == tt.key {
					for _, e := range ci.Value.Errors {
						found = found || strings.Contains(e, tt.want)
					}
				}
			}
			if !found {
				t.Fatalf("validation did not report %q on %s: %v", tt.want, tt.key, infos.Err())
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"-1", 0},
		{"Sat, 01 Mar 2025 12:00:10 GMT", 10 * time.Second},
		{"Sat, 01 Mar 2025 11:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// Values are written as a Java sink writes them with Jackson: doubles by Double.toString
// (1.0E7, not Go's 1e+07), NaN quoted, strings escaped as Jackson does (no \u003c for '<'),
// maps in java.util.HashMap order, Timestamp fields as epoch milliseconds.
func TestJSONAsJackson(t *testing.T) {
	st := connect.StructBuilder().Field("at", connect.TimestampSchema()).Field("price", connect.DecimalSchema(2)).Build()
	tests := []struct {
		v    any
		want string
	}{
		{map[string]any{"n": 1e7}, `{"n":1.0E7}`},
		{map[string]any{"n": 1e-4, "f": float32(0.1), "x": math.NaN()}, `{"f":0.1,"x":"NaN","n":1.0E-4}`},
		{map[string]any{"s": "<a & b>\u2028é"}, "{\"s\":\"<a & b>\u2028é\"}"},
		{map[string]any{"timestamp": int64(1), "timestamp_nanos": int64(0)}, `{"timestamp_nanos":0,"timestamp":1}`},
		{connect.NewStruct(st).MustPut("at", time.UnixMilli(1700000000123)).MustPut("price", connect.NewDecimal(1999, 2)), `{"at":1700000000123,"price":19.99}`},
	}
	for _, tt := range tests {
		got, err := appendDocument(nil, tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("appendDocument(%v) = %s, %v; want %s", tt.v, got, err, tt.want)
		}
	}
}
