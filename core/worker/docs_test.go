package worker

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/rest/resttest"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// createCmd matches the POST /connectors examples.
var createCmd = regexp.MustCompile(`-X POST .*\$URL/connectors\s+-d `)

// TestDocsCurlExamplesAgainstWorker runs every curl example of docs/rest.md, in order, with
// the curl binary and sh, against a running worker (real listener, store, runners and
// Kafka). Each must reach a documented endpoint (no routing 404, no 405 or 415) and none may
// answer 5xx; the creations must answer 201.
func TestDocsCurlExamplesAgainstWorker(t *testing.T) {
	devstacktest.Binary(t, "curl") // make deps installs it; a failure under CI=true
	cmds := resttest.CurlExamples(t, "../../docs/rest.md", 30)
	brokers := newKafka(t, "t", 1)
	tmp := t.TempDir()
	t.Setenv("OUT_FILE", filepath.Join(tmp, "out-secret.txt"))
	props := baseProps(t, brokers)
	props["config.providers"] = "env"
	_, c := startWorker(t, props, testRegistry(&collector{}))
	eventually(t, 5*time.Second, "health", func() bool { code, _ := c.do("GET", "/health", nil); return code == 200 })

	bodyFile := filepath.Join(tmp, "body")
	env := append(os.Environ(), "URL="+c.base, "JSON=Content-Type: application/json", "BODY="+bodyFile)
	creates := 0
	for _, line := range cmds {
		line = strings.ReplaceAll(line, "/tmp/", tmp+"/")
		script := `curl() { command curl -sS -o "$BODY" -w '%{http_code}' "$@"; }; ` + line
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		code, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			t.Fatalf("%s: status %q: %v", line, out, err)
		}
		body, _ := os.ReadFile(bodyFile)
		if resttest.Undocumented(code, body) {
			t.Errorf("%s\n  -> %d %s", line, code, body)
		}
		if createCmd.MatchString(line) {
			creates++
		}
		if createCmd.MatchString(line) && code != 201 {
			t.Errorf("%s\n  -> %d %s, want 201", line, code, body)
		}
		if strings.Contains(string(body), "out-secret") {
			t.Errorf("%s\n  -> a resolved config value in the response: %s", line, body)
		}
	}
	if creates < 2 {
		t.Errorf("%d POST /connectors examples recognised, want at least 2", creates)
	}
}
