package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// rieBinary is AWS's Lambda runtime interface emulator, built by make deps from the tool line in tools/go.mod.
const rieBinary = "aws-lambda-rie"

// RIEInvokePath is the path of the emulator's invoke endpoint.
const RIEInvokePath = "/2015-03-31/functions/function/invocations"

// RIEOptions configures StartRIE.
type RIEOptions struct {
	// Bootstrap is the path of the function's bootstrap executable (a provided.al2023 runtime
	// binary). Required.
	Bootstrap string
	// Env holds extra KEY=VALUE pairs for the function, on top of the calling process's
	// environment, as a function's configured environment variables.
	Env []string
}

// RIE is a running Lambda runtime interface emulator serving one function.
type RIE struct {
	// Endpoint is the emulator's base URL, "http://127.0.0.1:PORT"; POST Endpoint+RIEInvokePath
	// invokes the function.
	Endpoint string

	proc *process
}

// StartRIE starts aws-lambda-rie with the given bootstrap on free ports of 127.0.0.1 (the invoke
// endpoint and the Runtime API) and waits until the invoke endpoint accepts connections. The
// emulator starts the bootstrap on the first invocation.
func StartRIE(ctx context.Context, opts RIEOptions) (*RIE, error) {
	if opts.Bootstrap == "" {
		return nil, errors.New("rie: no bootstrap given")
	}
	bootstrap, err := filepath.Abs(opts.Bootstrap)
	if err != nil {
		return nil, fmt.Errorf("rie: bootstrap %q: %w", opts.Bootstrap, err)
	}
	if !isExecutable(bootstrap) {
		return nil, fmt.Errorf("rie: bootstrap %q: not an executable file", bootstrap)
	}
	bin, err := FindBinary(rieBinary)
	if err != nil {
		return nil, fmt.Errorf("rie: %w", err)
	}
	dir, err := newServiceDir("rie")
	if err != nil {
		return nil, err
	}
	cmdFor := func(invokePort int) *exec.Cmd {
		apiPort, err := freePort()
		if err != nil {
			apiPort = invokePort + 1 // unlikely; a taken port makes launch try again
		}
		cmd := exec.Command(bin,
			"--runtime-interface-emulator-address", hostPort(invokePort),
			"--runtime-api-address", hostPort(apiPort),
			"--log-level", "info",
			bootstrap)
		cmd.Dir = filepath.Dir(bootstrap)
		cmd.Env = append(os.Environ(), opts.Env...)
		return cmd
	}
	checkFor := func(port int) func(ctx context.Context) error { return dialCheck(hostPort(port)) }
	p, invokePort, err := launch(ctx, "rie", dir, syscall.SIGTERM, cmdFor, checkFor)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("rie: %w", err)
	}
	return &RIE{Endpoint: "http://" + hostPort(invokePort), proc: p}, nil
}

// Invoke posts payload to the function and returns the response body. The emulator answers
// HTTP 200 also for a function error; the body then holds errorMessage and errorType.
func (r *RIE) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.Endpoint+RIEInvokePath, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("invoke: read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("invoke: HTTP %d: %s", resp.StatusCode, body)
	}
	return body, nil
}

// Log returns what the emulator and the function wrote so far.
func (r *RIE) Log() []byte { return r.proc.readLog() }

// Close stops the emulator and the function. It is safe to call more than once.
func (r *RIE) Close() error {
	if r == nil || r.proc == nil {
		return errors.New("rie: not started")
	}
	return r.proc.close()
}
