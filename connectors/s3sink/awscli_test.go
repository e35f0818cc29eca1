package s3sink

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationAWSCLIReadsBack lists and downloads what the sink wrote with the aws CLI
// (make deps installs it; skipped without it, failed under CI=true), as a user would.
func TestIntegrationAWSCLIReadsBack(t *testing.T) {
	cli := devstacktest.Binary(t, "aws")
	s := startS3(t)
	s.bucket(t, "cli")
	ctx := context.Background()
	rt := &stubRuntime{t: t, tps: []connect.TopicPartition{appLogs}}
	task := startTask(t, s.props("cli", map[string]string{"s3.compression.type": "gzip", "flush.size": "5"}), rt)
	if err := task.Put(ctx, logRecords(appLogs, 1200, 7)); err != nil {
		t.Fatal(err)
	}
	if _, err := task.PreCommit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	aws := func(args ...string) string {
		cmd := exec.Command(cli, append([]string{"--endpoint-url", s.endpoint, "--region", "us-east-1"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+s.accessKey, "AWS_SECRET_ACCESS_KEY="+s.secretKey, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// One call (the CLI takes seconds to start): download everything the sink wrote.
	dir := t.TempDir()
	aws("s3", "cp", "--recursive", "s3://cli/topics/", dir)
	for _, name := range []string{"app-logs+3+0000001200.json.gz", "app-logs+3+0000001205.json.gz"} {
		b, err := os.ReadFile(filepath.Join(dir, "app-logs", "partition=3", name))
		if err != nil {
			t.Fatalf("aws s3 cp did not fetch %s: %v", name, err)
		}
		lines := bytes.Split(bytes.TrimSuffix(gunzip(t, b), []byte("\n")), []byte("\n"))
		first := name[strings.LastIndex(name, "+")+1 : strings.Index(name, ".")]
		if !bytes.Contains(lines[0], []byte(`"offset":`+strings.TrimLeft(first, "0"))) {
			t.Errorf("%s starts with %q", name, lines[0])
		}
	}
}
