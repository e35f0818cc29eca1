package provider

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestReferences(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Reference
	}{
		{"plain", nil},
		{"${env:HOME}", []Reference{{Provider: "env", Key: "HOME", Raw: "${env:HOME}"}}},
		{"x${file:/etc/a.properties:pw}y", []Reference{{Provider: "file", Path: "/etc/a.properties", Key: "pw", Raw: "${file:/etc/a.properties:pw}"}}},
		{"${a:b}-${c:d:e}", []Reference{{Provider: "a", Key: "b", Raw: "${a:b}"}, {Provider: "c", Path: "d", Key: "e", Raw: "${c:d:e}"}}},
		{"${nocolon}", nil},
	} {
		got := References(tc.in)
		if len(got) != len(tc.want) {
			t.Fatalf("%q: got %+v", tc.in, got)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%q: got %+v, want %+v", tc.in, got[i], tc.want[i])
			}
		}
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	props := filepath.Join(dir, "secrets.properties")
	content := "# comment\n! other comment\nuser = admin\npassword:p\\u0040ss\\\n  word\nempty=\nspaced\\ key = value\n"
	if err := os.WriteFile(props, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DB_HOST": "db.local"}
	r := New(map[string]Provider{
		"env":  Env{Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }},
		"file": File{AllowedPaths: []string{dir}},
	})
	in := map[string]string{
		"host":     "${env:DB_HOST}",
		"url":      "jdbc://${env:DB_HOST}:5432/${file:" + props + ":user}",
		"password": "${file:" + props + ":password}",
		"empty":    "${file:" + props + ":empty}",
		"spaced":   "${file:" + props + ":spaced key}",
		"missing":  "${env:NOPE}",
		"unknown":  "${vault:a:b}",
		"plain":    "x",
	}
	out, secrets, err := r.ResolveSecrets(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"host": "db.local", "url": "jdbc://db.local:5432/admin", "password": "p@ssword", "empty": "",
		"spaced": "value", "missing": "${env:NOPE}", "unknown": "${vault:a:b}", "plain": "x",
	}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("%s = %q, want %q", k, out[k], v)
		}
	}
	if in["host"] != "${env:DB_HOST}" {
		t.Fatal("Resolve changed its input")
	}
	if got := secrets.Redact("conn admin@db.local with p@ssword"); got != "conn ${file:"+props+":user}@${env:DB_HOST} with ${file:"+props+":password}" {
		t.Fatalf("redact: %q", got)
	}
}

func TestResolveErrorsHideValues(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.properties")
	if err := os.WriteFile(bad, []byte("secret=hunter2\nbroken=\\u12\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		r     *Resolver
		props map[string]string
		is    error
	}{
		{"missing file", New(map[string]Provider{"file": File{}}), map[string]string{"k": "${file:" + filepath.Join(dir, "none") + ":a}"}, os.ErrNotExist},
		{"not allowed", New(map[string]Provider{"file": File{AllowedPaths: []string{"/elsewhere"}}}), map[string]string{"k": "${file:" + bad + ":secret}"}, ErrPathNotAllowed},
		{"malformed file", New(map[string]Provider{"file": File{}}), map[string]string{"k": "${file:" + bad + ":secret}"}, nil},
		{"env with path", New(map[string]Provider{"env": Env{}}), map[string]string{"k": "${env:p:HOME}"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.r.Resolve(context.Background(), tc.props)
			if err == nil || !errors.Is(err, ErrProvider) {
				t.Fatalf("got %v", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("%v is not %v", err, tc.is)
			}
			if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), `config "k"`) {
				t.Fatalf("error %q leaks a value or misses the key", err)
			}
		})
	}
}

func TestNilResolver(t *testing.T) {
	var r *Resolver
	out, err := r.Resolve(context.Background(), map[string]string{"a": "${env:X}"})
	if err != nil || out["a"] != "${env:X}" {
		t.Fatalf("%v %v", out, err)
	}
}

// secretsManagerServer speaks the Secrets Manager JSON protocol for GetSecretValue.
func secretsManagerServer(t *testing.T, secrets map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || r.Header.Get("Authorization") == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var in struct{ SecretId string }
		_ = json.Unmarshal(body, &in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		s, ok := secrets[in.SecretId]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}`))
			return
		}
		out, _ := json.Marshal(map[string]any{"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:" + in.SecretId, "Name": in.SecretId, "SecretString": s})
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSecretsManager(t *testing.T) {
	srv := secretsManagerServer(t, map[string]string{
		"prod/db": `{"username":"app","password":"pw-123","port":5432,"tls":true}`,
		"token":   `plain-token`,
	})
	r, err := FromWorkerConfig(context.Background(), map[string]string{
		"config.providers":                    "aws",
		"config.providers.aws.class":          "com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider",
		"config.providers.aws.param.endpoint": srv.URL,
		"config.providers.aws.param.region":   "us-east-1",
	}, Options{AWSConfig: func(context.Context) (aws.Config, error) {
		return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AK", "SK", "")}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Resolve(context.Background(), map[string]string{
		"user": "${aws:prod/db:username}", "pw": "${aws:prod/db:password}", "port": "${aws:prod/db:port}",
		"tls": "${aws:prod/db:tls}", "token": "${aws:token}", "none": "${aws:prod/db:nope}",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"user": "app", "pw": "pw-123", "port": "5432", "tls": "true", "token": "plain-token", "none": "${aws:prod/db:nope}"}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("%s = %q, want %q", k, out[k], v)
		}
	}
	_, err = r.Resolve(context.Background(), map[string]string{"x": "${aws:missing:k}"})
	if err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Fatalf("missing secret: %v", err)
	}
	_, err = r.Resolve(context.Background(), map[string]string{"x": "${aws:token:k}"})
	if !errors.Is(err, ErrSecretNotJSON) || strings.Contains(err.Error(), "plain-token") {
		t.Fatalf("non-JSON secret: %v", err)
	}
}

func TestFromWorkerConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		props map[string]string
		key   string
	}{
		{map[string]string{"config.providers": "x", "config.providers.x.class": "com.example.Nope"}, "config.providers.x.class"},
		{map[string]string{"config.providers": "vault"}, "config.providers.vault.class"},
		{map[string]string{"config.providers": "env", "config.providers.env.param.allowlist.pattern": "("}, "config.providers.env"},
	} {
		_, err := FromWorkerConfig(context.Background(), tc.props, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%v: error %v does not name %s", tc.props, err, tc.key)
		}
	}
	r, err := FromWorkerConfig(context.Background(), map[string]string{
		"config.providers": "env, file", "config.providers.env.param.allowlist.pattern": "DB_.*",
	}, Options{LookupEnv: func(k string) (string, bool) { return "v-" + k, true }})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Resolve(context.Background(), map[string]string{"a": "${env:DB_X}", "b": "${env:HOME}"})
	if err != nil || out["a"] != "v-DB_X" || out["b"] != "${env:HOME}" || strings.Join(r.Names(), ",") != "env,file" {
		t.Fatalf("allowlist: %v %v %v", out, err, r.Names())
	}
}

func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db-password"), []byte("pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := FromWorkerConfig(context.Background(), map[string]string{
		"config.providers": "dir", "config.providers.dir.class": "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
		"config.providers.dir.param.allowed.paths": dir,
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Resolve(context.Background(), map[string]string{
		"pw": "${dir:" + dir + ":db-password}", "missing": "${dir:" + dir + ":nope}", "escape": "${dir:" + dir + ":../etc}",
	})
	if err != nil {
		t.Fatal(err)
	}
	if out["pw"] != "pw\n" || out["missing"] != "${dir:"+dir+":nope}" || out["escape"] != "${dir:"+dir+":../etc}" {
		t.Fatalf("%q", out)
	}
	if _, err := r.Resolve(context.Background(), map[string]string{"x": "${dir:/etc:passwd}"}); !errors.Is(err, ErrPathNotAllowed) {
		t.Fatalf("outside allowed paths: %v", err)
	}
}
