package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestIntegrationDev starts the dev stack, reaches the worker it prints with the CLI, and
// stops everything on cancel.
func TestIntegrationDev(t *testing.T) {
	var out, errb lockedBuffer
	e := newEnv()
	e.stdout, e.stderr, e.configDir = &out, &errb, t.TempDir()
	e.getenv = func(string) string { return "" }
	e.registry = func() (*connect.Registry, error) { return testRegistry(t), nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"connectless", "dev", "--kafka-port", "0", "--rest-port", "0", "--schema-registry-port", "0", "--topics", "orders"}, e)
	}()
	re := regexp.MustCompile(`REST API\s+(http://127\.0\.0\.1:\d+)`)
	var url string
	deadline := time.Now().Add(60 * time.Second)
	for url == "" {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("dev exited %d early:\n%s\n%s", code, out.String(), errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev printed no REST API line:\n%s\n%s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	printed := out.String()
	for _, want := range []string{"Kafka ", "bootstrap.servers=127.0.0.1:", "value.converter.schema.registry.url=http://127.0.0.1:"} {
		if !strings.Contains(printed, want) {
			t.Errorf("dev output lacks %q:\n%s", want, printed)
		}
	}
	// S3 and DynamoDB are either reachable or reported with what to do.
	for _, svc := range []string{"S3", "DynamoDB"} {
		if !regexp.MustCompile(`(?m)^`+svc+`\s+http://127\.0\.0\.1:\d+`).MatchString(printed) && !strings.Contains(printed, "not started: "+svc+":") {
			t.Errorf("%s neither started nor reported:\n%s", svc, printed)
		}
	}
	if m := regexp.MustCompile(`schema\.registry\.url=(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(printed); m != nil {
		resp, err := http.Get(m[1] + "/subjects")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("printed schema registry %s does not answer: %v", m[1], err)
		} else {
			resp.Body.Close()
		}
	}
	cli := newCLI(t, url)
	if r := cli.ok("get", "connectors"); !strings.Contains(r.stdout, "No connectors") {
		t.Errorf("get connectors on the dev worker: %s", r.stdout)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("dev exit %d after Ctrl-C:\n%s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("dev did not stop")
	}
}
