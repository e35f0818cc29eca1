package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/connectless/connectless/core/restapi"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/internal/herder"
)

// kafka500Prefixes are the messages Kafka Connect itself answers with a 500 for bad input:
// Jackson parse and mapping errors, an unknown connector class, bad source offsets.
var kafka500Prefixes = []string{
	"Unexpected character", "Unexpected end-of-input", "Cannot deserialize", "Cannot construct",
	"Unrecognized field", "Failed to find any class", "Offsets may only contain", "Document nesting depth",
}

// checkKafkaStatus fails unless the response is a non-5xx, or a 500 Kafka gives too.
func checkKafkaStatus(t testing.TB, what string, status int, body []byte) {
	t.Helper()
	if status < 500 {
		return
	}
	if status != http.StatusInternalServerError {
		t.Fatalf("%s: status %d: %s", what, status, body)
	}
	var em restapi.ErrorMessage
	if err := json.Unmarshal(body, &em); err != nil {
		t.Fatalf("%s: 500 body is not an error message: %q", what, body)
	}
	if em.ErrorCode != 500 {
		t.Fatalf("%s: error_code %d", what, em.ErrorCode)
	}
	if em.Message == nil {
		return // Kafka's NullPointerException on a missing body or config
	}
	for _, p := range kafka500Prefixes {
		if strings.HasPrefix(*em.Message, p) {
			return
		}
	}
	t.Fatalf("%s: 500 that Kafka would not return: %q", what, *em.Message)
}

type badRequest struct {
	method, path, ctype, body string
}

// malformedRequests builds n deterministic bad requests of every family.
func malformedRequests(n int) []badRequest {
	rng := rand.New(rand.NewPCG(1, 2))
	valid := []string{
		`{"name":"m","config":{"connector.class":"TestSource","tasks.max":"1"}}`,
		`{"connector.class":"TestSink","topics":"a"}`,
		`{"offsets":[{"partition":{"kafka_topic":"a","kafka_partition":0},"offset":{"kafka_offset":1}}]}`,
	}
	bodyPaths := []struct{ method, path string }{
		{"POST", "/connectors"}, {"PUT", "/connectors/m/config"}, {"PATCH", "/connectors/m/config"},
		{"PUT", "/connector-plugins/TestSource/config/validate"}, {"PATCH", "/connectors/m/offsets"},
		{"PATCH", "/connectors/stopped/offsets"}, {"PUT", "/admin/loggers/x"},
	}
	wrongTypes := []string{
		`[]`, `"x"`, `42`, `null`, `true`, `{"name":{"a":1},"config":{}}`, `{"name":"m","config":[]}`,
		`{"name":"m","config":"x"}`, `{"name":"m","config":{"a":[1]}}`, `{"name":1,"config":{"connector.class":"TestSource"}}`,
		`{"name":"m","config":{"connector.class":"TestSource"},"initial_state":7}`, `{"offsets":{}}`,
		`{"offsets":[1]}`, `{"offsets":[{"partition":"x"}]}`, `{"offsets":[{"partition":{},"offset":[]}]}`,
		`{"offsets":[null]}`, `{"level":{}}`, `{"level":null}`, `{"offsets":[{"partition":{"a":{"b":1}},"offset":{"c":2}}]}`,
		`{"offsets":[{"partition":null,"offset":null}]}`, `{"offsets":[{"partition":{"kafka_topic":1,"kafka_partition":"x"}}]}`,
	}
	semantic := []badRequest{
		{"POST", "/connectors", "", `{"name":"m","config":{"connector.class":"NoSuchConnector"}}`},
		{"POST", "/connectors", "", `{"name":"m","config":{"name":"other","connector.class":"TestSource"}}`},
		{"PUT", "/connectors/m/config", "", `{"name":"other","connector.class":"TestSource"}`},
		{"PUT", "/connector-plugins/TestSource/config/validate", "", `{"connector.class":"TestSink"}`},
		{"PUT", "/connector-plugins/TestSource/config/validate", "", `{"connector.class":"Nope"}`},
		{"POST", "/connectors", "", `{"name":"","config":{"connector.class":"TestSource"}}`},
		{"POST", "/connectors", "", `{"name":"m","config":{"connector.class":"TestSource","tasks.max":"-4"}}`},
	}
	taskIDs := []string{"x", "-1", "99999999999", "1.5", "%20", "0x1", "", "1e3", "+", "9"}
	ctypes := []string{"text/plain", "application/xml", "multipart/form-data", "application/json; charset=utf-8", ";;;", "application/x-www-form-urlencoded"}
	var out []badRequest
	for i := 0; len(out) < n; i++ {
		bp := bodyPaths[rng.IntN(len(bodyPaths))]
		switch i % 8 {
		case 0: // truncated JSON
			v := valid[rng.IntN(len(valid))]
			out = append(out, badRequest{bp.method, bp.path, "", v[:rng.IntN(len(v))]})
		case 1: // random bytes
			b := make([]byte, 1+rng.IntN(64))
			for j := range b {
				b[j] = byte(rng.IntN(256))
			}
			out = append(out, badRequest{bp.method, bp.path, "", string(b)})
		case 2: // wrong types
			out = append(out, badRequest{bp.method, bp.path, "", wrongTypes[rng.IntN(len(wrongTypes))]})
		case 3: // huge bodies
			out = append(out, badRequest{bp.method, bp.path, "", `{"a":"` + strings.Repeat("x", 70<<10+rng.IntN(1<<16)) + `"}`})
		case 4:
			out = append(out, semantic[rng.IntN(len(semantic))])
		case 5: // invalid task ids
			id := taskIDs[rng.IntN(len(taskIDs))]
			if rng.IntN(2) == 0 {
				out = append(out, badRequest{"GET", "/connectors/m/tasks/" + id + "/status", "-", ""})
			} else {
				out = append(out, badRequest{"POST", "/connectors/m/tasks/" + id + "/restart", "-", ""})
			}
		case 6: // wrong content types
			out = append(out, badRequest{bp.method, bp.path, ctypes[rng.IntN(len(ctypes))], valid[rng.IntN(len(valid))]})
		case 7: // deep nesting, odd paths and methods
			switch rng.IntN(3) {
			case 0:
				d := 1 + rng.IntN(400)
				out = append(out, badRequest{bp.method, bp.path, "", strings.Repeat("[", d) + strings.Repeat("]", d)})
			case 1:
				out = append(out, badRequest{[]string{"GET", "PUT", "POST", "DELETE", "PATCH"}[rng.IntN(5)],
					[]string{"/connectors/m/nope", "/connectors//config", "/x/y", "/connectors/m/tasks", "/connector-plugins/a/b"}[rng.IntN(5)], "-", ""})
			default:
				out = append(out, badRequest{"DELETE", "/connectors/%zz", "-", ""})
			}
		}
	}
	return out
}

func TestMalformedRequests(t *testing.T) {
	f := newFixture(t, nil)
	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	// A stopped connector to aim offset requests at.
	if rec := f.do("POST", "/connectors", `{"name":"stopped","config":{"connector.class":"TestSink","topics":"a"},"initial_state":"STOPPED"}`, ""); rec.Code != 201 {
		t.Fatalf("setup: %d %s", rec.Code, rec.Body)
	}
	reqs := malformedRequests(500)
	counts := map[int]int{}
	for i, br := range reqs {
		req, err := http.NewRequest(br.method, srv.URL+br.path, strings.NewReader(br.body))
		if err != nil {
			// A path Go's client refuses (e.g. a bad escape) cannot reach the server.
			continue
		}
		switch br.ctype {
		case "-":
		case "":
			req.Header.Set("Content-Type", "application/json")
		default:
			req.Header.Set("Content-Type", br.ctype)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("request %d (%s %s): %v", i, br.method, br.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		counts[resp.StatusCode]++
		checkKafkaStatus(t, fmt.Sprintf("request %d %s %s %.60q", i, br.method, br.path, br.body), resp.StatusCode, body)
		if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("request %d: error without JSON content type", i)
		}
	}
	t.Logf("status counts: %v", counts)
	for _, want := range []int{400, 404, 405, 413, 415, 500} {
		if counts[want] == 0 {
			t.Errorf("no request answered %d: the families do not cover it", want)
		}
	}
	// Still serving, and still correct.
	resp, err := srv.Client().Post(srv.URL+"/connectors", "application/json",
		strings.NewReader(`{"name":"after","config":{"connector.class":"TestSource"}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create after malformed requests: %d", resp.StatusCode)
	}
}

// FuzzDecodeBodies throws arbitrary bodies at every endpoint that decodes one: no panic, no
// 5xx other than Kafka's own.
func FuzzDecodeBodies(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","config":{"connector.class":"TestSource","tasks.max":1}}`,
		`{"connector.class":"TestSink","topics":"a","x":null}`,
		`{"offsets":[{"partition":{"kafka_topic":"a","kafka_partition":"0"},"offset":{"kafka_offset":1}}]}`,
		`{"offsets":[{"partition":{"filename":"f"},"offset":null}]}`,
		`{"level":"DEBUG"}`, `{"name":"a","config":{},"initial_state":"paused"}`, `[`, `{"a":{"b":[]}}`, ``, `null`,
	} {
		f.Add(s)
	}
	fx := newFixture(f, nil)
	fx.logs.discard = true
	fx.do("POST", "/connectors", `{"name":"stopped","config":{"connector.class":"TestSink","topics":"a"},"initial_state":"STOPPED"}`, "")
	targets := []struct{ method, path string }{
		{"POST", "/connectors"}, {"PUT", "/connectors/fz/config"}, {"PATCH", "/connectors/fz/config"},
		{"PUT", "/connector-plugins/TestSink/config/validate"}, {"PATCH", "/connectors/stopped/offsets"},
		{"PUT", "/admin/loggers/fz"},
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, tg := range targets {
			if _, err := parseJSON([]byte(body)); err != nil {
				if statusOf(err).status != 500 {
					t.Fatalf("parse error with status %d", statusOf(err).status)
				}
			}
			req := httptest.NewRequest(tg.method, tg.path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			fx.srv.ServeHTTP(rec, req)
			checkKafkaStatus(t, tg.method+" "+tg.path, rec.Code, rec.Body.Bytes())
			if fx.logs.panicCount() > 0 {
				t.Fatalf("%s %s: handler panicked on %q", tg.method, tg.path, body)
			}
		}
	})
}

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{fmt.Errorf("read: %w", context.DeadlineExceeded), 500, "Request timed out"},
		{fmt.Errorf("read: %w", context.Canceled), 500, "Request interrupted"},
		{&herder.Error{Kind: herder.ErrConflict, Message: "Connector a already exists"}, 409, "Connector a already exists"},
		{&herder.Error{Kind: herder.ErrForbidden, Message: "Topic tracking is disabled."}, 403, "Topic tracking is disabled."},
		{fmt.Errorf("wrapped: %w", &herder.Error{Kind: herder.ErrNotFound, Message: "Connector a not found"}), 404, "Connector a not found"},
		{errors.New("store down"), 500, "store down"},
	} {
		got := statusOf(tc.err)
		if got.status != tc.status || got.msg == nil || *got.msg != tc.msg {
			t.Errorf("%v: got %d %v, want %d %q", tc.err, got.status, got.msg, tc.status, tc.msg)
		}
	}
}
