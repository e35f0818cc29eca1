package worker

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/console"
	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/startup"
	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/taskrun"
)

// State is a step of the worker's lifecycle.
type State string

// Lifecycle states. A worker is new after New, then goes starting → running → stopping →
// terminated in Run; failed is reached from any of them when a step fails. Nothing is opened
// or bound before starting.
const (
	StateNew        State = "new"
	StateStarting   State = "starting"
	StateRunning    State = "running"
	StateStopping   State = "stopping"
	StateTerminated State = "terminated"
	StateFailed     State = "failed"
)

// transitions are the allowed lifecycle moves.
var transitions = map[State][]State{
	StateNew:      {StateStarting},
	StateStarting: {StateRunning, StateStopping, StateFailed},
	StateRunning:  {StateStopping, StateFailed},
	StateStopping: {StateTerminated, StateFailed},
}

// ConnectorFile is a connector configuration given at start (connect-standalone's files).
type ConnectorFile struct {
	Name   string
	Config map[string]string
	// InitialState is the target state of a connector created from the file (RUNNING,
	// PAUSED or STOPPED); empty means RUNNING, or the current state of an existing one.
	InitialState store.TargetState
}

// Options are what a worker needs besides its properties.
type Options struct {
	// Registry holds the plugins: connectors, converters, transformations and predicates
	// (connectors.Registry() ships them all). Required.
	Registry *connect.Registry
	// Logger receives lifecycle events. Default slog.Default().
	Logger *slog.Logger
	// Loggers backs /admin/loggers; nil serves a fresh set.
	Loggers *rest.Loggers
	// Version is shown by GET /.
	Version string
	// AWSConfig loads the AWS configuration for the dynamodb backend and the Secrets Manager
	// provider; nil means the standard SDK chain (environment, AWS_ENDPOINT_URL_DYNAMODB,
	// shared files, instance role).
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// Connectors are created, or updated, once the worker is up (standalone mode).
	Connectors []ConnectorFile
	// Standalone keeps connector configurations and statuses in memory for the run and only
	// offsets in the state file, as Kafka's connect-standalone (see core/internal/standalone).
	Standalone bool
}

// Worker is one long-lived worker process: REST listeners, herder and task runners.
type Worker struct {
	cfg      *Config
	prep     *startup.Prepared
	opts     Options
	log      *slog.Logger
	tlsCfg   *tls.Config
	users    map[string][]byte
	services *startup.Services

	// Set while starting, read-only afterwards.
	id      string
	store   store.Store
	kafka   *kafka.Client
	herder  *herder.Herder
	env     *taskrun.Env
	metrics *Metrics

	listeners []net.Listener
	servers   []*http.Server

	mu      sync.Mutex
	state   State
	failure error
	running map[taskKey]bool // tasks with a runner goroutine in this process
	ready   chan struct{}    // closed once running, or when the worker ends
	done    chan struct{}
}

// New checks a worker's properties: it resolves their config-provider references, parses
// them (startup.Prepare, shared with the Lambda functions) and reads the https certificate
// and the basic-auth file. It opens and binds nothing: the worker is in state new until Run.
func New(ctx context.Context, props map[string]string, opts Options) (*Worker, error) {
	if opts.Registry == nil {
		return nil, errors.New("new worker: no connector registry")
	}
	log := cmp.Or(opts.Logger, slog.Default())
	prep, err := startup.Prepare(ctx, props, startup.Options{Mode: workerprops.Worker, Registry: opts.Registry,
		Logger: log, AWSConfig: opts.AWSConfig, Standalone: opts.Standalone})
	if err != nil {
		return nil, err
	}
	cfg := prep.Config
	w := &Worker{cfg: cfg, prep: prep, opts: opts, log: log, state: StateNew, running: map[taskKey]bool{},
		ready: make(chan struct{}), done: make(chan struct{})}
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("%w: %s, %s: %w", ErrConfig, KeyTLSCert, KeyTLSKey, err)
		}
		w.tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if cfg.BasicAuthFile != "" {
		if w.users, err = LoadBasicAuth(cfg.BasicAuthFile); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, KeyBasicAuthFile, err)
		}
	}
	return w, nil
}

// start binds the REST listeners, then opens the Kafka client, the state backend, the herder
// and the task environment (startup.Open) under the worker id the listeners give.
func (w *Worker) start(ctx context.Context) error {
	for _, u := range w.cfg.Listeners {
		l, err := net.Listen("tcp", u.Host)
		if err != nil {
			return fmt.Errorf("listener %s: %w", u, err)
		}
		if u.Scheme == "https" {
			l = tls.NewListener(l, w.tlsCfg)
		}
		w.listeners = append(w.listeners, l)
	}
	id := workerID(w.cfg, w.listeners[0].Addr())
	w.mu.Lock()
	w.id = id
	w.mu.Unlock()
	s, err := w.prep.Open(ctx, id)
	if err != nil {
		return err
	}
	w.services, w.store, w.kafka, w.herder, w.env = s, s.Store, s.Kafka, s.Herder, s.Env
	w.metrics = NewMetrics(w.store, w.opts.Registry, w.id)
	api := rest.New(w.herder, rest.Options{Version: w.opts.Version, KafkaClusterID: w.clusterID(ctx), Loggers: w.opts.Loggers, Logger: w.log,
		AdminDisabled: w.cfg.AdminDisabled, Health: w.health})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", w.metrics.Handler())
	mux.Handle("/", api)
	if !w.cfg.UIDisabled {
		mux.Handle(console.Prefix, console.Handler())
		mux.Handle("GET /ui", console.Handler())
	}
	var handler http.Handler = mux
	if w.users != nil {
		handler = NewBasicAuth(w.users, handler)
	}
	handler, err = newCrossOrigin(w.cfg.AllowOrigins, w.cfg.AllowMethods, handler)
	if err != nil {
		return err
	}
	for range w.listeners {
		w.servers = append(w.servers, &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(w.log.Handler(), slog.LevelWarn)})
	}
	return nil
}

// clusterID asks the brokers for the Kafka cluster id that GET / reports; when they do not
// answer within a few seconds it is left out (null), as the worker need not wait for Kafka.
func (w *Worker) clusterID(ctx context.Context) string {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	id, err := w.kafka.ClusterID(cctx)
	if err != nil {
		w.log.Warn("kafka cluster id unknown; GET / reports kafka_cluster_id null", "error", err)
	}
	return id
}

// workerID is the advertised host:port written in statuses and leases.
func workerID(cfg *Config, addr net.Addr) string {
	host := cfg.AdvertisedHost
	if host == "" {
		host, _ = os.Hostname()
	}
	port := cfg.AdvertisedPort
	if port == 0 {
		if ta, ok := addr.(*net.TCPAddr); ok {
			port = ta.Port
		}
	}
	return net.JoinHostPort(cmp.Or(host, "localhost"), strconv.Itoa(port))
}

// ID is the worker id (advertised host:port) written in statuses and leases; empty until
// the listeners are bound (see Ready).
func (w *Worker) ID() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.id
}

// Ready is closed once the worker is running (its listeners serve), or when it ended
// without getting there (then Err says why).
func (w *Worker) Ready() <-chan struct{} { return w.ready }

// Config returns the parsed worker properties.
func (w *Worker) Config() *Config { return w.cfg }

// Herder returns the worker's herder; nil until the worker is running.
func (w *Worker) Herder() *herder.Herder { return w.herder }

// Addrs returns the bound addresses of the REST listeners, in the order of listeners; none
// until the worker is running (see Ready).
func (w *Worker) Addrs() []net.Addr {
	select {
	case <-w.ready:
	default:
		return nil
	}
	out := make([]net.Addr, len(w.listeners))
	for i, l := range w.listeners {
		out[i] = l.Addr()
	}
	return out
}

// State returns the lifecycle state.
func (w *Worker) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

// Err returns why the worker failed, or nil.
func (w *Worker) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failure
}

// Done is closed when the worker has terminated or failed.
func (w *Worker) Done() <-chan struct{} { return w.done }

// setState moves the lifecycle; a move the state machine does not allow is an error.
func (w *Worker) setState(to State, cause error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	from := w.state
	allowed := false
	for _, s := range transitions[from] {
		allowed = allowed || s == to
	}
	if !allowed {
		return fmt.Errorf("worker state %s cannot become %s", from, to)
	}
	w.state = to
	if to == StateFailed {
		w.failure = cause
	}
	if to == StateRunning || to == StateFailed || to == StateTerminated {
		select {
		case <-w.ready:
		default:
			close(w.ready)
		}
	}
	if to == StateFailed || to == StateTerminated {
		close(w.done)
	}
	w.log.Info("worker state", "worker_id", w.id, "from", string(from), "to", string(to))
	return nil
}

func (w *Worker) health(context.Context) rest.Health {
	switch w.State() {
	case StateRunning:
		return rest.Health{State: "healthy"}
	case StateStarting:
		return rest.Health{State: "starting"}
	}
	return rest.Health{State: "unhealthy", Detail: "The worker is shutting down."}
}

// Run starts the worker (binds the listeners, opens the Kafka client and the state backend,
// applies the connectors given at start), serves the REST API and runs tasks until ctx is done, then stops gracefully: no new
// slice starts, running slices finish, commit and release their leases (for at most
// task.shutdown.graceful.timeout.ms), the listeners close and the store is closed. It
// returns nil after a clean stop and the failure otherwise.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.setState(StateStarting, nil); err != nil {
		return err
	}
	if err := w.start(ctx); err != nil {
		w.closeResources()
		_ = w.setState(StateFailed, err)
		return err
	}
	// Connectors given at start are in place before the API answers: the listeners are
	// bound, so a client that connects meanwhile waits instead of seeing none.
	for _, cf := range w.opts.Connectors {
		if err := w.applyConnector(ctx, cf); err != nil {
			w.shutdown(context.WithoutCancel(ctx))
			_ = w.setState(StateFailed, err)
			return err
		}
	}
	serveErr := make(chan error, len(w.servers))
	for i, srv := range w.servers {
		go func() {
			if err := srv.Serve(w.listeners[i]); err != nil && !errors.Is(err, http.ErrServerClosed) {
				serveErr <- fmt.Errorf("serve %s: %w", w.listeners[i].Addr(), err)
			}
		}()
	}
	if err := w.setState(StateRunning, nil); err != nil {
		return err
	}
	w.log.Info("worker started", "worker_id", w.id, "group_id", w.cfg.GroupID, "state_backend", w.cfg.Backend, "listeners", fmt.Sprint(w.Addrs()))

	// Slices run on their own context: stopping lets them finish, and cancels them only
	// after the graceful timeout.
	taskCtx, cancelTasks := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelTasks()
	var slices sync.WaitGroup
	var failure error
	tick := time.NewTicker(w.cfg.PollInterval)
	defer tick.Stop()
loop:
	for {
		w.reconcile(ctx, taskCtx, &slices)
		select {
		case <-ctx.Done():
			break loop
		case failure = <-serveErr:
			break loop
		case <-tick.C:
		}
	}
	_ = w.setState(StateStopping, nil)
	drained := make(chan struct{})
	go func() { slices.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(w.cfg.ShutdownTimeout):
		w.log.Warn("running slices did not finish within task.shutdown.graceful.timeout.ms; cancelling them", "timeout", w.cfg.ShutdownTimeout)
		cancelTasks()
		<-drained
	}
	w.shutdown(context.WithoutCancel(ctx))
	if failure != nil {
		_ = w.setState(StateFailed, failure)
		return failure
	}
	return w.setState(StateTerminated, nil)
}

// applyConnector creates or updates a connector given at start.
func (w *Worker) applyConnector(ctx context.Context, cf ConnectorFile) error {
	raw := herder.RawConfig{}
	for k, v := range cf.Config {
		raw[k] = &v
	}
	var err error
	if cf.InitialState != "" {
		_, err = w.herder.CreateConnector(ctx, cf.Name, raw, cf.InitialState)
	} else {
		_, _, err = w.herder.PutConnectorConfig(ctx, cf.Name, raw)
	}
	if err != nil {
		return fmt.Errorf("connector %s: %w", cf.Name, err)
	}
	return nil
}

// shutdown closes the listeners and releases the store and the Kafka client.
func (w *Worker) shutdown(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for _, srv := range w.servers {
		if err := srv.Shutdown(sctx); err != nil {
			w.log.Warn("close listener", "error", err)
		}
	}
	w.closeResources()
}

func (w *Worker) closeResources() {
	for _, l := range w.listeners {
		_ = l.Close()
	}
	if w.services != nil {
		if err := w.services.Close(); err != nil {
			w.log.Warn("close state store and kafka client", "error", err)
		}
	}
}
