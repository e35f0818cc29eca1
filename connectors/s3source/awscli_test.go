package s3source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestIntegrationAWSCLISeesSinkLayout lists and downloads the sink's objects with the aws
// CLI, a client this project did not write, and checks keys and contents.
func TestIntegrationAWSCLISeesSinkLayout(t *testing.T) {
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("aws CLI not found (apt-get install awscli)")
		}
		t.Skip("aws CLI not found (apt-get install awscli)")
	}
	s := startS3(t)
	s.bucket(t, "archive")
	sp := sinkProps(s, "archive", partitionerCases[0], formatCases[1]) // default, JSON gzip
	archive(t, sp, logs(mapValues, 1, 6))
	aws := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(awsBin, append([]string{"--endpoint-url", s.Endpoint, "--region", "us-east-1"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+s.AccessKey, "AWS_SECRET_ACCESS_KEY="+s.SecretKey,
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(string(aws("s3", "ls", "--recursive", "s3://archive/"))), "\n") {
		f := strings.Fields(line) // date time size key
		if len(f) == 4 {
			keys = append(keys, f[3])
		}
	}
	want := []string{
		"topics/app-logs/partition=0/app-logs+0+0000000000.headers.json.gz",
		"topics/app-logs/partition=0/app-logs+0+0000000000.json.gz",
		"topics/app-logs/partition=0/app-logs+0+0000000000.keys.json.gz",
		"topics/app-logs/partition=0/app-logs+0+0000000004.headers.json.gz",
		"topics/app-logs/partition=0/app-logs+0+0000000004.json.gz",
		"topics/app-logs/partition=0/app-logs+0+0000000004.keys.json.gz",
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Fatalf("aws s3 ls:\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	body := aws("s3", "cp", "s3://archive/topics/app-logs/partition=0/app-logs+0+0000000000.json.gz", "-")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	var seqs []int64
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		var v struct{ Seq int64 }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		seqs = append(seqs, v.Seq)
	}
	if !slices.Equal(seqs, []int64{0, 1, 2, 3}) {
		t.Fatalf("first object holds %v, want offsets 0..3", seqs)
	}
}
