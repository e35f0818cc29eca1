package killtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
)

// mode is what the driver inflicts on task processes.
type mode int

const (
	// killMode SIGKILLs task processes at random moments.
	killMode mode = iota
	// raceMode freezes a task process until a newer invocation of the same task runs, then
	// lets both run at once.
	raceMode
)

// child is one task process.
type child struct {
	connector string
	task      int
	cmd       *exec.Cmd
	started   time.Time
	stdout    bytes.Buffer
	stderr    bytes.Buffer
	done      chan struct{}

	// Under driver.mu.
	exited   bool
	killSent bool
	// duringWork is true when the kill was sent while records were still unarchived.
	duringWork bool
	frozen     bool
	frozenAt   time.Time
	resumeWait time.Duration // how long a newer invocation runs before the frozen one resumes
	raced      bool          // resumed while a newer invocation of its task was running
	result     serverless.TaskResult
	state      *os.ProcessState
}

// driver dispatches task invocations as processes (it is the scheduler's Invoker) and
// inflicts kills or races on them.
type driver struct {
	e      *env
	mode   mode
	target int

	mu       sync.Mutex
	rng      *rand.Rand
	children []*child
	working  bool // records remain unarchived
	// kills counts task processes that died of a SIGKILL sent while records remained;
	// races counts frozen invocations resumed while a newer one of their task ran, that
	// had held the lease before and read records.
	kills, races, invocations int
	failures                  []string
	wg                        sync.WaitGroup
}

func newDriver(e *env, m mode, target int, seed uint64) *driver {
	return &driver{e: e, mode: m, target: target, rng: rand.New(rand.NewPCG(seed, 7)), working: true}
}

// inflicted is how many kills or races happened so far; under mu.
func (d *driver) inflicted() int {
	if d.mode == killMode {
		return d.kills
	}
	return d.races
}

// Invoke starts one task process for p, unless an invocation of the task is already
// running here (frozen ones do not count: they stand for a stuck invocation whose lease
// ran out).
func (d *driver) Invoke(_ context.Context, p schedule.Payload) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.children {
		if c.task == p.Task && !c.exited && !c.frozen {
			return nil
		}
	}
	props, err := json.Marshal(d.e.props)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c := &child{connector: p.Connector, task: p.Task, done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"=1", childPropsEnv+"="+string(props), childPayloadEnv+"="+string(payload))
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("start task process: %w", err)
	}
	c.started = time.Now()
	d.children = append(d.children, c)
	d.invocations++
	d.wg.Add(1)
	go d.wait(c)
	if d.inflicted() < d.target && d.rng.Float64() < 0.85 {
		switch d.mode {
		case killMode:
			delay := 50*time.Millisecond + time.Duration(d.rng.Int64N(int64(1400*time.Millisecond)))
			time.AfterFunc(delay, func() { d.kill(c) })
		case raceMode:
			delay := 300*time.Millisecond + time.Duration(d.rng.Int64N(int64(1100*time.Millisecond)))
			c.resumeWait = 100*time.Millisecond + time.Duration(d.rng.Int64N(int64(1200*time.Millisecond)))
			time.AfterFunc(delay, func() { d.freeze(c) })
		}
	}
	return nil
}

// wait reaps a task process and records how it ended.
func (d *driver) wait(c *child) {
	defer d.wg.Done()
	err := c.cmd.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	c.exited, c.state = true, c.cmd.ProcessState
	close(c.done)
	ws, _ := c.state.Sys().(syscall.WaitStatus)
	if c.killSent && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		if c.duringWork {
			d.kills++
		}
		return
	}
	_ = json.Unmarshal(bytes.TrimSpace(c.stdout.Bytes()), &c.result)
	// A race counts when the resumed invocation had read records, and so had something to
	// commit against the newer one; one frozen before it read anything just ends.
	if c.raced && c.result.Token > 0 && c.result.Records > 0 {
		d.races++
	}
	if err != nil {
		d.failures = append(d.failures, fmt.Sprintf("task %d process %d: %v\n%s", c.task, c.cmd.Process.Pid, err, tail(c.stderr.String(), 2000)))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// kill sends SIGKILL to a running task process.
func (d *driver) kill(c *child) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.exited || d.inflicted() >= d.target {
		return
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err == nil {
		c.killSent, c.duringWork = true, d.working
	}
}

// freeze stops a running task process that holds its task's lease (SIGSTOP); step
// resumes it later. A process that has not taken the lease yet is left alone: it would
// only find the lease taken when resumed.
func (d *driver) freeze(c *child) {
	lease, err := d.e.rt.Store.CurrentLease(context.Background(), c.connector, c.task)
	if err != nil || lease.Holder != fmt.Sprintf("task-process-%d", c.cmd.Process.Pid) || !lease.Expires.After(time.Now()) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.exited || d.inflicted() >= d.target || !d.working {
		return
	}
	if err := c.cmd.Process.Signal(syscall.SIGSTOP); err == nil {
		c.frozen, c.frozenAt = true, time.Now()
	}
}

// step resumes frozen task processes: once a newer invocation of the same task has run for
// the frozen one's resumeWait, or after 20s without one, or at once when all is true.
func (d *driver) step(all bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	for _, f := range d.children {
		if !f.frozen {
			continue
		}
		newer := false
		for _, c := range d.children {
			if c.task == f.task && c != f && !c.exited && !c.frozen && c.started.After(f.frozenAt) && now.Sub(c.started) >= f.resumeWait {
				newer = true
			}
		}
		if newer || all || now.Sub(f.frozenAt) > 20*time.Second {
			if err := f.cmd.Process.Signal(syscall.SIGCONT); err == nil {
				f.frozen, f.raced = false, newer
			}
		}
	}
}

// live counts task processes that have not exited.
func (d *driver) live() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.children {
		if !c.exited {
			n++
		}
	}
	return n
}

// stopAll kills every task process left (on a failing test) and waits for them.
func (d *driver) stopAll() {
	d.mu.Lock()
	for _, c := range d.children {
		if !c.exited {
			_ = c.cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	d.mu.Unlock()
	d.wg.Wait()
}

// lastEnded describes the last invocation that ended other than by a kill: its result and
// the tail of its log.
func (d *driver) lastEnded() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.children) - 1; i >= 0; i-- {
		c := d.children[i]
		if !c.exited || c.killSent {
			continue
		}
		return fmt.Sprintf("task %d: %s, result %+v, log:\n%s", c.task, c.state, c.result, tail(c.stderr.String(), 2000))
	}
	return "none"
}

// outcome sums up the invocations that ran to their end.
func (d *driver) outcome() (ran, skipped, fenced int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.children {
		if !c.exited || c.killSent && !c.state.Success() {
			continue
		}
		switch {
		case c.result.Skipped && c.result.Token > 0:
			fenced++
		case c.result.Skipped:
			skipped++
		case c.state.Success():
			ran++
		}
	}
	return ran, skipped, fenced
}
