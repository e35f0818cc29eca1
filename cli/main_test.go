package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestMain lets tests run the real binary: the test binary re-executed with
// CONNECTLESS_TEST_MAIN=1 is connectless itself (its own os.Args, exit code and terminal).
func TestMain(m *testing.M) {
	if os.Getenv("CONNECTLESS_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// binary returns a command running connectless with args, with a private config directory.
func binary(t testing.TB, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append([]string{"CONNECTLESS_TEST_MAIN=1", "XDG_CONFIG_HOME=" + t.TempDir(), "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

func TestBinaryExitCodes(t *testing.T) {
	s := startServer(t, nil)
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"get", "connectors"}, exitOK},
		{[]string{"describe", "connector", "nope"}, exitError},
		{[]string{"get", "connectors", "--nope"}, exitUsage},
	}
	for _, tc := range cases {
		cmd := binary(t, []string{"CONNECTLESS_URL=" + s.URL}, tc.args...)
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
}
