package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// sigv4Verifier answers 403 unless a request's SigV4 signature is the one aws-sdk-go-v2's
// signer computes again from the request as received, with the server's own secret.
func sigv4Verifier(t testing.TB, creds aws.Credentials, region string, verified *atomic.Int64) func(http.Handler) http.Handler {
	signer := v4.NewSigner()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			deny := func(msg string) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"message":"`+msg+`"}`)
			}
			auth := r.Header.Get("Authorization")
			if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
				deny("Missing Authentication Token")
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
			if err != nil {
				deny("bad X-Amz-Date")
				return
			}
			var signed []string
			for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
				if v, ok := strings.CutPrefix(part, "SignedHeaders="); ok {
					signed = strings.Split(v, ";")
				}
			}
			u := *r.URL
			u.Scheme, u.Host = "http", r.Host
			check, _ := http.NewRequest(r.Method, u.String(), bytes.NewReader(body))
			check.Header = http.Header{}
			for _, h := range signed {
				switch h {
				case "host":
				case "content-length":
					check.ContentLength, _ = strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
				default:
					check.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
				}
			}
			sum := sha256.Sum256(body)
			if err := signer.SignHTTP(context.Background(), creds, check, hex.EncodeToString(sum[:]), "execute-api", region, when); err != nil {
				t.Errorf("re-sign: %v", err)
			}
			if check.Header.Get("Authorization") != auth {
				deny("The request signature we calculated does not match the signature you provided.")
				return
			}
			verified.Add(1)
			next.ServeHTTP(w, r)
		})
	}
}

func TestSigV4SignedRequests(t *testing.T) {
	serverCreds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "server-secret", SessionToken: "session-1"}
	var verified atomic.Int64
	s := startServer(t, sigv4Verifier(t, serverCreds, "eu-west-1", &verified))
	s.create(t, "name with spaces/and slash", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t")

	cases := []struct {
		name     string
		secret   string
		wantCode int
		wantErr  string
	}{
		{"right credentials", "server-secret", exitOK, ""},
		{"wrong secret", "not-the-secret", exitError, "signature we calculated does not match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cli := newCLI(t, s.URL)
			cli.awsConfig = func(ctx context.Context, region, profile string) (aws.Config, error) {
				return aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", tc.secret, "session-1")}, nil
			}
			before := verified.Load()
			for _, args := range [][]string{
				{"get", "connectors", "--auth", "sigv4", "--region", "eu-west-1"},
				{"describe", "connector", "name with spaces/and slash", "--auth", "sigv4", "--region", "eu-west-1"},
				{"patch", "connector", "name with spaces/and slash", "--set", "topic=t2", "--auth", "sigv4", "--region", "eu-west-1"},
			} {
				r := cli.run(args...)
				if r.code != tc.wantCode {
					t.Fatalf("%v: exit %d, want %d\n%s", args, r.code, tc.wantCode, r.stderr)
				}
				if tc.wantErr != "" {
					if !strings.Contains(r.stderr, tc.wantErr) || !strings.Contains(r.stderr, "check the credentials") || strings.Count(r.stderr, "\n") != 1 {
						t.Errorf("stderr should be one line naming the problem and the fix: %q", r.stderr)
					}
				}
			}
			if tc.wantCode == exitOK && verified.Load()-before < 3 {
				t.Errorf("only %d requests verified", verified.Load()-before)
			}
		})
	}
	t.Run("no region", func(t *testing.T) {
		cli := newCLI(t, s.URL)
		cli.awsConfig = func(ctx context.Context, region, profile string) (aws.Config, error) {
			return aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("A", "B", "")}, nil
		}
		r := cli.run("get", "connectors", "--auth", "sigv4")
		if r.code != exitUsage || !strings.Contains(r.stderr, "sigv4 needs a region") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("no credentials in the chain", func(t *testing.T) {
		cli := newCLI(t, s.URL)
		cli.awsConfig = func(ctx context.Context, region, profile string) (aws.Config, error) {
			return aws.Config{Region: region, Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{}, errors.New("no EC2 IMDS role found")
			})}, nil
		}
		r := cli.run("get", "connectors", "--auth", "sigv4", "--region", "eu-west-1")
		if r.code != exitError || !strings.Contains(r.stderr, "no EC2 IMDS role found") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("exit %d: %q", r.code, r.stderr)
		}
	})
}

func basicAuth(user, pass string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, p, ok := r.BasicAuth()
			if !ok || u != user || p != pass {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error_code":401,"message":"User cannot access the resource."}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestContextsAndBasicAuth(t *testing.T) {
	s := startServer(t, basicAuth("admin", "pw"))
	s.create(t, "c1", "connector.class", "FileStreamSource", "file", "/tmp/in", "topic", "t")
	cli := newCLI(t, "")
	cli.env = map[string]string{}

	cli.ok("config", "set-context", "good", "--url", s.URL, "--auth", "basic", "--user", "admin", "--password", "pw")
	cli.ok("config", "set-context", "bad", "--url", s.URL, "--user", "admin", "--password", "wrong")
	r := cli.ok("config", "get-contexts")
	golden(t, "get-contexts.table", strings.ReplaceAll(r.stdout, s.URL, "http://SERVER"))
	r = cli.ok("config", "get-contexts", "-o", "json")
	if strings.Contains(r.stdout, `"pw"`) || strings.Contains(r.stdout, "wrong") {
		t.Errorf("get-contexts shows passwords:\n%s", r.stdout)
	}

	// The first context became current.
	r = cli.ok("get", "connectors")
	if !strings.Contains(r.stdout, "c1") {
		t.Errorf("get connectors through context good: %s", r.stdout)
	}
	r = cli.run("get", "connectors", "--context", "bad")
	if r.code != exitError || !strings.Contains(r.stderr, "User cannot access the resource. (HTTP 401") ||
		!strings.Contains(r.stderr, `(context "bad")`) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("wrong credentials: exit %d %q", r.code, r.stderr)
	}
	cli.ok("config", "use-context", "bad")
	if r := cli.ok("config", "current-context"); r.stdout != "bad\n" {
		t.Errorf("current-context %q", r.stdout)
	}
	if r := cli.run("get", "connectors"); r.code != exitError {
		t.Errorf("current context bad: exit %d", r.code)
	}
	// Flags beat the context.
	cli.ok("get", "connectors", "--password", "pw")
	// The environment beats the context too.
	cli.env["CONNECTLESS_PASSWORD"] = "pw"
	cli.ok("get", "connectors")
	delete(cli.env, "CONNECTLESS_PASSWORD")

	if r := cli.run("config", "use-context", "nope"); r.code != exitUsage || !strings.Contains(r.stderr, `no such context "nope"`) {
		t.Errorf("unknown context: exit %d %q", r.code, r.stderr)
	}
	if r := cli.run("get", "connectors", "--context", "nope"); r.code != exitUsage {
		t.Errorf("--context nope: exit %d %q", r.code, r.stderr)
	}
	cli.ok("config", "delete-context", "bad")
	if r := cli.run("config", "current-context"); r.code != exitError || !strings.Contains(r.stderr, "use-context") {
		t.Errorf("deleted current context: exit %d %q", r.code, r.stderr)
	}
}
