package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/chromedp/chromedp"

	"golang.org/x/crypto/bcrypt"

	"github.com/connectless/connectless/core/console/consoletest"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// startUI runs `connectless ui` with args on a free loopback port until the test ends and
// returns the proxy's base URL.
func startUI(t *testing.T, cli *cliRunner, args ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errb bytes.Buffer
	e := newEnv()
	e.stdout, e.stderr = &out, &errb
	e.getenv = func(k string) string { return cli.env[k] }
	e.configDir = cli.configDir
	if cli.awsConfig != nil {
		e.awsConfig = cli.awsConfig
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"connectless", "ui", "--listen", addr}, args...), e) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("connectless ui: exit %d: %s", code, errb.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/ui/")
		if err == nil {
			resp.Body.Close()
			return base
		}
		if time.Now().After(deadline) {
			t.Fatalf("connectless ui never listened: %v; stderr: %s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntegrationUIProxyBasicAuthInBrowser runs `connectless ui --context` for a worker
// with basic authentication and uses the console through it in Chromium: the list, a
// connector's page and a delete. Requests that change state without the console's header,
// or addressed to another host, are refused.
func TestIntegrationUIProxyBasicAuthInBrowser(t *testing.T) {
	ctx := consoletest.Browser(t)
	h, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	users := writeFile(t, t.TempDir(), "users", "admin:"+string(h)+"\n")
	k := devstacktest.Kafka(t, devstack.KafkaOptions{AutoCreateTopics: true})
	url := startWorker(t, k.Brokers(), "basic.auth.file", users)
	cli := newCLI(t, "")
	cli.env = map[string]string{}
	cli.ok("config", "set-context", "good", "--url", url, "--auth", "basic", "--user", "admin", "--password", "pw")
	in := writeFile(t, t.TempDir(), "in.txt", "a\n")
	for _, name := range []string{"c1", "c2"} {
		cli.ok("apply", "-f", writeFile(t, t.TempDir(), name+".json",
			`{"name": "`+name+`", "connector.class": "FileStreamSource", "file": "`+in+`", "topic": "t"}`))
	}
	if code := getStatus(t, url+"/connectors"); code != http.StatusUnauthorized {
		t.Fatalf("worker without credentials: HTTP %d, want 401", code)
	}
	base := startUI(t, cli, "--context", "good")

	consoletest.Do(t, ctx, "connectors through the proxy", chromedp.Navigate(base+"/ui/"),
		chromedp.WaitVisible(chromedp.CSS(`#connectors tr[data-name=c2]`)), consoletest.WaitText(`#count`, "2 of 2"))
	consoletest.Do(t, ctx, "delete c1 through the proxy", chromedp.Navigate(base+"/ui/connectors/c1"),
		consoletest.WaitText(`dd[data-key="topic"]`, "t"),
		chromedp.Click(chromedp.CSS(`#delete`)), chromedp.Click(chromedp.CSS(`#confirm-delete`)),
		chromedp.WaitVisible(chromedp.CSS(`#connectors tr[data-name=c2]`)))
	if names := cli.ok("get", "connectors", "-o", "json").stdout; strings.Contains(names, `"c1"`) || !strings.Contains(names, `"c2"`) {
		t.Errorf("connectors after deleting c1 in the console: %s", names)
	}

	// Cross-site requests: no console header, a cross-site fetch, a rebinding host name.
	for _, tc := range []struct {
		name   string
		header map[string]string
		host   string
	}{
		{"no console header", nil, ""},
		{"cross-site", map[string]string{"X-Connectless-Console": "1", "Sec-Fetch-Site": "cross-site"}, ""},
		{"foreign host", map[string]string{"X-Connectless-Console": "1"}, "evil.example:80"},
	} {
		req, _ := http.NewRequest(http.MethodDelete, base+"/connectors/c2", nil)
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		if tc.host != "" {
			req.Host = tc.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: DELETE through the proxy = HTTP %d, want 403", tc.name, resp.StatusCode)
		}
	}
	if r := cli.ok("get", "connectors", "-o", "json"); !strings.Contains(r.stdout, `"c2"`) {
		t.Errorf("a refused request deleted c2: %s", r.stdout)
	}
}

// getStatus answers the HTTP status of a GET without credentials.
func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestUIProxySigV4 checks that `connectless ui --auth sigv4` signs what it forwards: the
// SigV4-checking server answers the console's calls.
func TestUIProxySigV4(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "server-secret", SessionToken: "session-1"}
	var verified atomic.Int64
	s := startServer(t, sigv4Verifier(t, creds, "eu-west-1", &verified))
	s.create(t, "signed", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t")
	cli := newCLI(t, s.URL)
	cli.awsConfig = func(ctx context.Context, region, profile string) (aws.Config, error) {
		return aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "server-secret", "session-1")}, nil
	}
	base := startUI(t, cli, "--auth", "sigv4", "--region", "eu-west-1")
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/connectors?expand=status", ""},
		{http.MethodPut, "/connectors/signed/pause", ""},
		{http.MethodPut, "/connector-plugins/FileStreamSource/config/validate", `{"connector.class":"FileStreamSource","name":"x","topic":"t","file":"/tmp/x"}`},
	} {
		before := verified.Load()
		req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
		req.Header.Set("X-Connectless-Console", "1")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 || verified.Load() != before+1 {
			t.Errorf("%s %s through the proxy: HTTP %d, verified %d signatures, want 2xx and one", tc.method, tc.path, resp.StatusCode, verified.Load()-before)
		}
	}
}

// TestUIListenLoopbackOnly checks that the proxy refuses to listen where others could reach it.
func TestUIListenLoopbackOnly(t *testing.T) {
	cli := newCLI(t, "http://127.0.0.1:1")
	r := cli.run("ui", "--listen", "0.0.0.0:0")
	if r.code != exitUsage || !strings.Contains(r.stderr, "loopback") {
		t.Errorf("ui --listen 0.0.0.0:0: exit %d %q, want a usage error naming loopback", r.code, r.stderr)
	}
}
