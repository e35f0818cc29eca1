package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/s3sink"
	"github.com/connectless/connectless/connectors/s3source"
	"github.com/connectless/connectless/core/config"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/convert/avroconv"
	"github.com/connectless/connectless/infra/devstack"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// preflightEnv clears the AWS SDK's environment, so that only the connector's keys give
// credentials and a region.
func preflightEnv(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
}

// restJSON sends a JSON request and returns the status and the decoded answer.
func restJSON(t *testing.T, method, url string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, url, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode, out
}

// validationErrors returns the errors of a validate answer by key.
func validationErrors(answer map[string]any) map[string][]string {
	out := map[string][]string{}
	configs, _ := answer["configs"].([]any)
	for _, c := range configs {
		v, _ := c.(map[string]any)["value"].(map[string]any)
		if v == nil {
			continue
		}
		for _, e := range v["errors"].([]any) {
			out[v["name"].(string)] = append(out[v["name"].(string)], e.(string))
		}
	}
	return out
}

func with(base map[string]string, kv ...string) map[string]string {
	out := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func preflightWorker(t *testing.T, brokers string) string {
	reg, err := connect.NewRegistry(append(config.BuiltinPlugins(), s3sink.Plugin, s3source.Plugin)...)
	if err != nil {
		t.Fatal(err)
	}
	return runWorkerWith(t, map[string]string{
		"bootstrap.servers":         brokers,
		"listeners":                 "http://127.0.0.1:0",
		"rest.advertised.host.name": "127.0.0.1",
		"state.bolt.path":           filepath.Join(t.TempDir(), "state.db"),
		"offset.flush.interval.ms":  "1000",
		"task.poll.interval.ms":     "50",
	}, reg)
}

// TestIntegrationPreflight goes through the first-run failures of an S3 sink on real
// services (versitygw answering for another region, kfake, srfake): validate and create
// answer 400 with one line on the key to change; with preflight.enable=false the connector
// is created and its task fails with the same line in its trace.
func TestIntegrationPreflight(t *testing.T) {
	preflightEnv(t)
	ctx := context.Background()
	k := devstacktest.Kafka(t, devstack.KafkaOptions{Topics: []string{"orders"}})
	s3 := devstacktest.S3With(t, devstack.S3Options{Region: "eu-central-1"})
	if err := s3.CreateBucket(ctx, "archive"); err != nil {
		t.Fatal(err)
	}
	sr := devstacktest.SchemaRegistry(t, devstack.SchemaRegistryOptions{BasicAuth: struct{ User, Password string }{"sr", "sr-secret"}})
	url := preflightWorker(t, strings.Join(k.Brokers(), ","))
	base := map[string]string{
		"connector.class": s3sink.ConnectorClass, "tasks.max": "1", "topics": "orders",
		"storage.class": s3sink.StorageClass, "format.class": s3sink.JSONFormatClass, "flush.size": "1",
		"s3.bucket.name": "archive", "s3.region": "eu-central-1", "store.url": s3.Endpoint,
		"aws.access.key.id": s3.AccessKey, "aws.secret.access.key": s3.SecretKey,
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
	}
	sink := strings.TrimSuffix(s3sink.ConnectorClass, "Connector")
	validate := func(t *testing.T, cfg map[string]string) map[string][]string {
		t.Helper()
		code, answer := restJSON(t, http.MethodPut, url+"/connector-plugins/"+sink+"/config/validate", with(cfg, "name", "v"))
		if code != http.StatusOK {
			t.Fatalf("validate: HTTP %d %v", code, answer)
		}
		return validationErrors(answer)
	}
	if errs := validate(t, base); len(errs) > 0 {
		t.Fatalf("a working configuration has errors: %v", errs)
	}

	tests := []struct {
		name, key string
		cfg       map[string]string
		want      []string // substrings of the one error on key
	}{
		{"wrong region", "s3.region", with(base, "s3.region", "us-west-2"),
			[]string{`bucket "archive" answered from region eu-central-1, not us-west-2`, "set s3.region=eu-central-1", s3.Endpoint, "access key " + s3.AccessKey}},
		{"region unset: the default us-west-2", "s3.region", with(base, "s3.region", ""),
			[]string{"region us-west-2 from the default us-west-2", "set s3.region=eu-central-1"}},
		{"missing bucket", "s3.bucket.name", with(base, "s3.bucket.name", "no-such-bucket"),
			[]string{`bucket "no-such-bucket" does not exist`, "correct s3.bucket.name", "region eu-central-1 from s3.region"}},
		{"no credentials", "aws.access.key.id", with(base, "aws.access.key.id", "", "aws.secret.access.key", ""),
			[]string{"no AWS credentials found", "set aws.access.key.id and aws.secret.access.key"}},
		{"unknown access key", "aws.access.key.id", with(base, "aws.access.key.id", "nobody"),
			[]string{"the access key is not known", "access key nobody (from aws.access.key.id)"}},
		{"wrong secret", "aws.secret.access.key", with(base, "aws.secret.access.key", "wrong"),
			[]string{"the secret key does not match", "correct aws.secret.access.key"}},
		{"endpoint without a scheme", "store.url", with(base, "store.url", strings.TrimPrefix(s3.Endpoint, "http://")),
			[]string{"has no scheme: write " + s3.Endpoint}},
		{"https to an http endpoint", "store.url", with(base, "store.url", "https://"+strings.TrimPrefix(s3.Endpoint, "http://")),
			[]string{"answers plain HTTP, not HTTPS: set store.url=" + s3.Endpoint}},
		{"topic missing", "topics", with(base, "topics", "orderz"),
			[]string{`topic "orderz" does not exist in Kafka at ` + k.Addr(), "correct topics"}},
		{"registry down", "value.converter.schema.registry.url", with(base, "value.converter", avroconv.Class,
			"value.converter.schema.registry.url", "http://"+closedAddr(t)),
			[]string{"schema registry: list subjects: registry unreachable", "/subjects", "check value.converter.schema.registry.url and that the registry runs"}},
		{"registry refuses the credentials", "value.converter.schema.registry.url", with(base, "value.converter", avroconv.Class,
			"value.converter.schema.registry.url", sr.URL(), "value.converter.basic.auth.credentials.source", "USER_INFO",
			"value.converter.basic.auth.user.info", "sr:wrong"),
			[]string{"schema registry: list subjects: HTTP 403 from GET " + sr.URL() + "/subjects", "not authorized", "check basic.auth.*"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := validate(t, tt.cfg)
			if len(errs) != 1 || len(errs[tt.key]) != 1 {
				t.Fatalf("errors %v, want one on %s", errs, tt.key)
			}
			msg := errs[tt.key][0]
			t.Logf("%s: %s", tt.key, msg)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error on %s:\n  %s\nwant it to contain %q", tt.key, msg, w)
				}
			}
			if strings.Contains(msg, s3.SecretKey) || strings.Contains(msg, "sr-secret") || strings.Contains(msg, "\n") {
				t.Errorf("error not one line without secrets: %q", msg)
			}
			name := "pf-" + string(rune('a'+i))
			code, answer := restJSON(t, http.MethodPost, url+"/connectors", map[string]any{"name": name, "config": tt.cfg})
			if m, _ := answer["message"].(string); code != http.StatusBadRequest || !strings.Contains(m, msg) {
				t.Fatalf("create: HTTP %d %v, want 400 with %q", code, answer, msg)
			}
			if code, _ := restJSON(t, http.MethodGet, url+"/connectors/"+name, nil); code != http.StatusNotFound {
				t.Errorf("a refused create stored the connector: GET answered %d", code)
			}
			if tt.key == "store.url" && strings.HasPrefix(tt.want[0], "has no scheme") {
				return // refused by validation itself, with or without preflight
			}
			// Preflight off: created, and the task fails with the same line.
			off := with(tt.cfg, connect.KeyPreflightEnable, "false")
			if code, answer := restJSON(t, http.MethodPost, url+"/connectors", map[string]any{"name": name, "config": off}); code != http.StatusCreated {
				t.Fatalf("create with preflight off: HTTP %d %v", code, answer)
			}
			trace := failedTrace(t, url, name)
			if !strings.Contains(trace, msg) || !strings.HasPrefix(trace, "task "+name+"/0: preflight check failed: "+tt.key+": ") {
				t.Errorf("task trace:\n  %s\nwant the preflight's line:\n  %s", trace, msg)
			}
		})
	}

	t.Run("create time", func(t *testing.T) {
		// What the checks add to a create that passes them.
		measure := func(cfg map[string]string, prefix string) time.Duration {
			var ds []time.Duration
			for i := range 5 {
				name := prefix + string(rune('0'+i))
				start := time.Now()
				if code, answer := restJSON(t, http.MethodPost, url+"/connectors", map[string]any{"name": name, "config": cfg}); code != http.StatusCreated {
					t.Fatalf("create: HTTP %d %v", code, answer)
				}
				ds = append(ds, time.Since(start))
				restJSON(t, http.MethodDelete, url+"/connectors/"+name, nil)
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			return ds[len(ds)/2]
		}
		avro := with(base, "value.converter", avroconv.Class, "value.converter.schema.registry.url", sr.URL(),
			"value.converter.basic.auth.credentials.source", "USER_INFO", "value.converter.basic.auth.user.info", "sr:sr-secret")
		for _, c := range []struct {
			what string
			cfg  map[string]string
		}{{"S3 + Kafka", base}, {"S3 + Kafka + Schema Registry", avro}} {
			on := measure(c.cfg, "on-")
			off := measure(with(c.cfg, connect.KeyPreflightEnable, "false"), "off-")
			t.Logf("create median (%s): %s with preflight, %s without: +%s", c.what, on.Round(time.Millisecond), off.Round(time.Millisecond), (on - off).Round(time.Millisecond))
		}
	})

	t.Run("s3.region from AWS_REGION, shown by describe", func(t *testing.T) {
		t.Setenv("AWS_REGION", "eu-central-1")
		cfg := with(base, "s3.region", "", "name", "sdk-region")
		if code, answer := restJSON(t, http.MethodPost, url+"/connectors", map[string]any{"name": "sdk-region", "config": cfg}); code != http.StatusCreated {
			t.Fatalf("create: HTTP %d %v", code, answer)
		}
		cli := newCLI(t, url)
		want := "task 0 note: s3.region unset: using eu-central-1 from the AWS SDK's configuration (AWS_REGION or the profile)"
		var out string
		eventually(t, 20*time.Second, "describe shows the region", func() bool {
			out = cli.run("describe", "connector", "sdk-region").stdout
			return strings.Contains(out, want)
		})
		if !strings.Contains(out, "RUNNING") {
			t.Errorf("describe:\n%s", out)
		}
	})

	t.Run("read-only user", func(t *testing.T) {
		iam := devstacktest.S3With(t, devstack.S3Options{IAM: true})
		if err := iam.CreateBucket(ctx, "archive"); err != nil {
			t.Fatal(err)
		}
		if err := iam.CreateUser(ctx, "reader", "reader-secret"); err != nil {
			t.Fatal(err)
		}
		// The reader may list the bucket and read its objects, not write them.
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["reader"]},` +
			`"Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::archive","arn:aws:s3:::archive/*"]}]}`
		client, err := iam.NewClient(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("archive"), Policy: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
		cfg := with(base, "store.url", iam.Endpoint, "s3.region", iam.Region, "aws.access.key.id", "reader", "aws.secret.access.key", "reader-secret")
		errs := validate(t, cfg)
		msg := strings.Join(errs["aws.access.key.id"], "")
		if len(errs) != 1 || !strings.Contains(msg, "grant the identity s3:PutObject on arn:aws:s3:::archive/*") || !strings.Contains(msg, "access key reader") {
			t.Errorf("errors %v, want one naming s3:PutObject", errs)
		}
		// The source only reads: the same user passes its checks.
		src := map[string]string{"name": "restore", "connector.class": s3source.ConnectorClass, "s3.bucket.name": "archive",
			"store.url": iam.Endpoint, "s3.region": iam.Region, "aws.access.key.id": "reader", "aws.secret.access.key": "reader-secret",
			"format.class": s3sink.JSONFormatClass, "kafka.topic": "orders"}
		code, answer := restJSON(t, http.MethodPut, url+"/connector-plugins/S3Source/config/validate", src)
		if errs := validationErrors(answer); code != http.StatusOK || len(errs) != 0 {
			t.Errorf("source validate: HTTP %d errors %v", code, errs)
		}
		code, answer = restJSON(t, http.MethodPut, url+"/connector-plugins/S3Source/config/validate", with(src, "s3.bucket.name", "gone"))
		if errs := validationErrors(answer); code != http.StatusOK || !strings.Contains(strings.Join(errs["s3.bucket.name"], ""), `bucket "gone" does not exist`) {
			t.Errorf("source validate, missing bucket: HTTP %d errors %v", code, errs)
		}
	})

	t.Run("kafka down", func(t *testing.T) {
		down := closedAddr(t)
		url := preflightWorker(t, down)
		code, answer := restJSON(t, http.MethodPut, url+"/connector-plugins/"+sink+"/config/validate", with(base, "name", "v"))
		errs := validationErrors(answer)
		if code != http.StatusOK || len(errs["bootstrap.servers"]) != 1 {
			t.Fatalf("validate: HTTP %d errors %v, want one on bootstrap.servers", code, errs)
		}
		msg := errs["bootstrap.servers"][0]
		for _, w := range []string{"Kafka at " + down + " did not answer", "check the worker's bootstrap.servers"} {
			if !strings.Contains(msg, w) {
				t.Errorf("error %q, want %q", msg, w)
			}
		}
		code, answer = restJSON(t, http.MethodPost, url+"/connectors", map[string]any{"name": "down", "config": base})
		if m, _ := answer["message"].(string); code != http.StatusBadRequest || !strings.Contains(m, "Kafka at "+down) {
			t.Errorf("create: HTTP %d %v", code, answer)
		}
		// Preflight off: created, and the task fails with the same line.
		off := with(base, connect.KeyPreflightEnable, "false")
		if code, answer := restJSON(t, http.MethodPost, url+"/connectors", map[string]any{"name": "down", "config": off}); code != http.StatusCreated {
			t.Fatalf("create with preflight off: HTTP %d %v", code, answer)
		}
		if trace := failedTrace(t, url, "down"); !strings.Contains(trace, "bootstrap.servers: Kafka at "+down+" did not answer") {
			t.Errorf("task trace %q, want the preflight's line", trace)
		}
	})

	t.Run("cli validate and apply --dry-run", func(t *testing.T) {
		cfg := with(base, "name", "cli-region", "s3.region", "us-west-2")
		b, _ := json.Marshal(cfg)
		f := writeFile(t, t.TempDir(), "c.json", string(b))
		cli := newCLI(t, url)
		for _, args := range [][]string{{"validate", "-f", f}, {"apply", "-f", f, "--dry-run"}} {
			r := cli.run(args...)
			if r.code != exitError || !strings.Contains(r.stdout, "s3.region") || !strings.Contains(r.stdout, "set s3.region=eu-central-1") {
				t.Errorf("connectless %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
			}
		}
	})
}

// failedTrace waits for task 0 of the connector to be FAILED and returns its trace.
func failedTrace(t *testing.T, url, name string) string {
	t.Helper()
	var trace string
	var states []string
	eventually(t, 20*time.Second, "task FAILED", func() bool {
		_, st := restJSON(t, http.MethodGet, url+"/connectors/"+name+"/status", nil)
		tasks, _ := st["tasks"].([]any)
		if len(tasks) == 0 {
			return false
		}
		task := tasks[0].(map[string]any)
		state, _ := task["state"].(string)
		if !slices.Contains(states, state) {
			states = append(states, state)
		}
		trace, _ = task["trace"].(string)
		return state == "FAILED"
	})
	return trace
}
