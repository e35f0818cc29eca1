package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	// startTimeout bounds how long a service may take to become healthy.
	startTimeout = 60 * time.Second
	// stopGrace is how long a service gets to exit after its stop signal before SIGKILL.
	stopGrace = 10 * time.Second
	// pollInterval is the pause between two health checks.
	pollInterval = 50 * time.Millisecond
	// logTailLines is how many log lines a start error carries.
	logTailLines = 30
)

// process is one running service binary with its own temporary directory and log file.
type process struct {
	name    string
	dir     string
	logPath string
	logFrom int64 // size of the log file when this process started
	cmd     *exec.Cmd
	stopSig syscall.Signal

	done    chan struct{}
	waitErr error

	closeOnce sync.Once
	closeErr  error
}

// newServiceDir makes a fresh temporary directory for a service.
func newServiceDir(name string) (string, error) {
	dir, err := os.MkdirTemp("", "devstack-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("%s: temp dir: %w", name, err)
	}
	return dir, nil
}

// startProcess starts cmd with stdout and stderr appended to <dir>/<name>.log. The process gets
// its own process group so that a stop reaches its children too. dir is removed by close.
func startProcess(name, dir string, cmd *exec.Cmd) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: log file: %w", name, err)
	}
	defer f.Close()
	var logFrom int64
	if st, err := f.Stat(); err == nil {
		logFrom = st.Size()
	}
	cmd.Stdout = f
	cmd.Stderr = f
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	setProcAttr(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start %s: %w", name, cmd.Path, err)
	}
	p := &process{
		name:    name,
		dir:     dir,
		logPath: logPath,
		logFrom: logFrom,
		cmd:     cmd,
		stopSig: syscall.SIGTERM,
		done:    make(chan struct{}),
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// launchTries is how many ports launch tries before giving up.
const launchTries = 3

// launch picks a free port, starts the command cmdFor builds for it and waits until the check
// check builds passes. When the service exits because another process took the port between
// the pick and the bind, it tries again on another port. On failure the process is stopped and
// dir is left to the caller.
func launch(ctx context.Context, name, dir string, stopSig syscall.Signal,
	cmdFor func(port int) *exec.Cmd, checkFor func(port int) func(ctx context.Context) error,
) (*process, int, error) {
	for try := 1; ; try++ {
		port, err := freePort()
		if err != nil {
			return nil, 0, err
		}
		p, err := startProcess(name, dir, cmdFor(port))
		if err != nil {
			return nil, 0, err
		}
		p.stopSig = stopSig
		err = p.waitReady(ctx, checkFor(port))
		if err == nil {
			return p, port, nil
		}
		portTaken := p.exited() && p.portTaken()
		_ = p.stop(stopGrace)
		if !portTaken || try == launchTries {
			return nil, 0, err
		}
	}
}

// portTaken reports whether this run of the process logged that its address was in use.
func (p *process) portTaken() bool {
	b := p.readLog()
	if int64(len(b)) >= p.logFrom {
		b = b[p.logFrom:]
	}
	l := strings.ToLower(string(b))
	return strings.Contains(l, "address already in use") || strings.Contains(l, "eaddrinuse")
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady calls check until it succeeds, the process exits, or startTimeout passes.
// Errors carry the tail of the service's log.
func (p *process) waitReady(ctx context.Context, check func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	var last error
	for {
		cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
		last = check(cctx)
		ccancel()
		if last == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited during start (%v): last check: %w%s", p.name, p.waitErr, last, p.logTail())
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w: last check: %w%s", p.name, ctx.Err(), last, p.logTail())
		case <-t.C:
		}
	}
}

// logTail returns the last lines of the service's log, formatted for an error message.
func (p *process) logTail() string {
	f, err := os.Open(p.logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	const max = 8 << 10
	if st, err := f.Stat(); err == nil && st.Size() > max {
		_, _ = f.Seek(st.Size()-max, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return fmt.Sprintf("\n(log %s is empty)", p.logPath)
	}
	return fmt.Sprintf("\n--- tail of %s ---\n%s", p.logPath, strings.Join(lines, "\n"))
}

// readLog returns the whole log file.
func (p *process) readLog() []byte {
	b, _ := os.ReadFile(p.logPath)
	return b
}

// logLineValue returns the rest of the first log line that starts with prefix.
func (p *process) logLineValue(prefix string) (string, bool) {
	for _, line := range bytes.Split(p.readLog(), []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte(prefix)); ok {
			return strings.TrimSpace(string(v)), true
		}
	}
	return "", false
}

// signal sends sig to the process group, falling back to the process alone.
func (p *process) signal(sig syscall.Signal) error {
	pid := p.cmd.Process.Pid
	if err := syscall.Kill(-pid, sig); err != nil {
		if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("%s: signal %v: %w", p.name, sig, err)
		}
	}
	return nil
}

// stop sends the stop signal, waits up to grace, then sends SIGKILL and waits.
func (p *process) stop(grace time.Duration) error {
	if p.exited() {
		return nil
	}
	if err := p.signal(p.stopSig); err != nil {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	return p.kill()
}

// kill sends SIGKILL to the process group and waits for the process to end.
func (p *process) kill() error {
	if p.exited() {
		return nil
	}
	if err := p.signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-p.done
	return nil
}

// close stops the process and removes its directory. It is safe to call more than once.
func (p *process) close() error {
	p.closeOnce.Do(func() {
		err := p.stop(stopGrace)
		if rerr := os.RemoveAll(p.dir); rerr != nil {
			err = errors.Join(err, fmt.Errorf("%s: remove %s: %w", p.name, p.dir, rerr))
		}
		p.closeErr = err
	})
	return p.closeErr
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// hostPort joins 127.0.0.1 and port.
func hostPort(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// dialCheck succeeds once a TCP connection to addr opens.
func dialCheck(addr string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	}
}

// runStep runs a setup command to completion (an initdb, say) with its output appended to the
// service's log file, and returns an error carrying the log's tail when it fails.
func runStep(ctx context.Context, name, dir string, cmd *exec.Cmd) error {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: log file: %w", name, err)
	}
	defer f.Close()
	fmt.Fprintf(f, "$ %s\n", strings.Join(cmd.Args, " "))
	cmd.Stdout = f
	cmd.Stderr = f
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	setProcAttr(cmd.SysProcAttr)
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start %s: %w", name, cmd.Path, err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		err = ctx.Err()
	}
	if err != nil {
		p := &process{logPath: logPath}
		return fmt.Errorf("%s: %w%s%s", filepath.Base(cmd.Path), err, p.errorLines(), p.logTail())
	}
	return nil
}

// errorLines returns the log lines that mention an error (at most 10), formatted for an error
// message: setup tools tend to bury the cause above a long closing notice.
func (p *process) errorLines() string {
	var found []string
	for _, line := range strings.Split(string(p.readLog()), "\n") {
		if strings.Contains(line, "ERROR") || strings.Contains(line, "FATAL") || strings.Contains(line, "[ERROR]") {
			found = append(found, line)
			if len(found) == 10 {
				break
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	return fmt.Sprintf("\n--- errors in %s ---\n%s", p.logPath, strings.Join(found, "\n"))
}

// relaunch starts a stopped service again with cmd (the same port and directory as before)
// and waits until check passes. It returns the new process; on failure old is kept.
func relaunch(ctx context.Context, old *process, cmd *exec.Cmd, check func(ctx context.Context) error) (*process, error) {
	if !old.exited() {
		return old, fmt.Errorf("%s: still running", old.name)
	}
	p, err := startProcess(old.name, old.dir, cmd)
	if err != nil {
		return old, err
	}
	p.stopSig = old.stopSig
	if err := p.waitReady(ctx, check); err != nil {
		_ = p.stop(stopGrace)
		return old, err
	}
	return p, nil
}

// relaunchable is embedded by services that tests stop and start again, as an outage would
// take them away and bring them back: same port, same data directory.
type relaunchable struct {
	proc  *process
	cmd   func() *exec.Cmd                // the command line the service was launched with
	check func(ctx context.Context) error // its health check
}

// Stop stops the service as an outage would: connected clients lose their connections and
// new ones are refused until Start. The port and the data directory are kept.
func (r *relaunchable) Stop() error {
	if r == nil || r.proc == nil {
		return errors.New("not started")
	}
	if err := r.proc.stop(stopGrace); err != nil {
		return fmt.Errorf("%s: stop: %w", r.proc.name, err)
	}
	return nil
}

// Start starts a stopped service again on the same port and data directory and waits until
// it answers.
func (r *relaunchable) Start(ctx context.Context) error {
	if r == nil || r.proc == nil {
		return errors.New("not started")
	}
	p, err := relaunch(ctx, r.proc, r.cmd(), r.check)
	r.proc = p
	if err != nil {
		return fmt.Errorf("%s: restart: %w", p.name, err)
	}
	return nil
}
