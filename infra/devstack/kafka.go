package devstack

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ErrInProcess is returned by Kafka.Kill for a broker that runs inside the calling process.
var ErrInProcess = errors.New("kafka broker runs in process")

// kfakeBinary is the name of the out-of-process broker program (infra/devstack/cmd/kfake).
const kfakeBinary = "kfake"

// kfakeListenPrefix starts the line the kfake program prints once it listens.
const kfakeListenPrefix = "kfake listening on "

// KafkaOptions configures StartKafka.
type KafkaOptions struct {
	// Partitions is the partition count of each topic in Topics and of auto-created topics.
	// Default 1. Mirrors Kafka's num.partitions.
	Partitions int
	// Topics are created before StartKafka returns.
	Topics []string
	// AutoCreateTopics lets metadata requests create missing topics. Default false.
	// Mirrors Kafka's auto.create.topics.enable.
	AutoCreateTopics bool
	// Port is the port on 127.0.0.1 to listen on. Default 0: a free port.
	Port int
	// OutOfProcess runs the broker as its own process (the kfake program), so that a test
	// can kill it. Default false: the broker runs inside the calling process.
	OutOfProcess bool
	// TLS, when set, makes the broker serve TLS with this configuration (its certificate).
	// In-process brokers only.
	TLS *tls.Config
	// SASLUsers, when set, makes the broker require SASL and know these users (superusers).
	// In-process brokers only.
	SASLUsers []SASLUser
	// ClientTLS and ClientSASL reach a secured broker for the readiness check.
	ClientTLS  *tls.Config
	ClientSASL sasl.Mechanism
}

// SASLUser is a user of a SASL-enabled broker.
type SASLUser struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
	Mechanism, User, Password string
}

func (o KafkaOptions) partitions() int {
	if o.Partitions <= 0 {
		return 1
	}
	return o.Partitions
}

// Kafka is a running single-broker kfake cluster.
type Kafka struct {
	addr      string
	cluster   *kfake.Cluster
	proc      *process
	closeOnce sync.Once
}

// StartKafka starts a kfake broker on 127.0.0.1 and waits until a kafka-go client can dial it
// and see the seeded topics.
func StartKafka(ctx context.Context, opts KafkaOptions) (*Kafka, error) {
	if opts.OutOfProcess {
		return startKafkaProcess(ctx, opts)
	}
	k, err := startKafkaInProcess(opts)
	if err != nil {
		return nil, err
	}
	if err := kafkaCheck(k.addr, opts.Topics, dialer(opts))(ctx); err != nil {
		_ = k.Close()
		return nil, fmt.Errorf("kafka: not ready at %s: %w", k.addr, err)
	}
	return k, nil
}

// kfakeOptions returns the kfake cluster options matching opts.
func kfakeOptions(opts KafkaOptions) []kfake.Opt {
	o := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.DefaultNumPartitions(opts.partitions()),
	}
	if opts.Port != 0 {
		o = append(o, kfake.Ports(opts.Port))
	}
	if len(opts.Topics) > 0 {
		o = append(o, kfake.SeedTopics(int32(opts.partitions()), opts.Topics...))
	}
	if opts.AutoCreateTopics {
		o = append(o, kfake.AllowAutoTopicCreation())
	}
	// The broker says what it does when asked for its configs (DescribeConfigs), as Kafka's.
	o = append(o, kfake.BrokerConfigs(map[string]string{"auto.create.topics.enable": strconv.FormatBool(opts.AutoCreateTopics)}))
	if opts.TLS != nil {
		o = append(o, kfake.TLS(opts.TLS))
	}
	if len(opts.SASLUsers) > 0 {
		o = append(o, kfake.EnableSASL())
		for _, u := range opts.SASLUsers {
			o = append(o, kfake.Superuser(u.Mechanism, u.User, u.Password))
		}
	}
	return o
}

func startKafkaInProcess(opts KafkaOptions) (*Kafka, error) {
	c, err := kfake.NewCluster(kfakeOptions(opts)...)
	if err != nil {
		return nil, fmt.Errorf("kafka: start kfake: %w", err)
	}
	return &Kafka{addr: c.ListenAddrs()[0], cluster: c}, nil
}

func startKafkaProcess(ctx context.Context, opts KafkaOptions) (*Kafka, error) {
	if opts.TLS != nil || len(opts.SASLUsers) > 0 {
		return nil, errors.New("kafka: TLS and SASL need an in-process broker")
	}
	bin, err := findKfake(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := newServiceDir("kafka")
	if err != nil {
		return nil, err
	}
	args := []string{
		"-port", strconv.Itoa(opts.Port),
		"-partitions", strconv.Itoa(opts.partitions()),
	}
	if len(opts.Topics) > 0 {
		args = append(args, "-topics", strings.Join(opts.Topics, ","))
	}
	if opts.AutoCreateTopics {
		args = append(args, "-auto-create-topics")
	}
	p, err := startProcess("kafka", dir, exec.Command(bin, args...))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	k := &Kafka{proc: p}
	err = p.waitReady(ctx, func(ctx context.Context) error {
		if k.addr == "" {
			addr, ok := p.logLineValue(kfakeListenPrefix)
			if !ok {
				return errors.New("no listen address printed yet")
			}
			k.addr = addr
		}
		return kafkaCheck(k.addr, opts.Topics, dialer(opts))(ctx)
	})
	if err != nil {
		_ = p.close()
		return nil, fmt.Errorf("kafka: %w", err)
	}
	return k, nil
}

// findKfake finds the kfake program, building it into <repo root>/bin when it is missing and
// the Go toolchain and the repository's sources are at hand.
func findKfake(ctx context.Context) (string, error) {
	bin, err := FindBinary(kfakeBinary)
	if err == nil {
		return bin, nil
	}
	root, rerr := RepoRoot()
	if rerr != nil {
		return "", err
	}
	if _, serr := os.Stat(filepath.Join(root, "infra", "devstack", "cmd", "kfake")); serr != nil {
		return "", err
	}
	goBin, gerr := exec.LookPath("go")
	if gerr != nil {
		return "", err
	}
	if merr := os.MkdirAll(filepath.Join(root, "bin"), 0o755); merr != nil {
		return "", fmt.Errorf("kafka: build kfake: %w", merr)
	}
	tmp := filepath.Join(root, "bin", fmt.Sprintf(".kfake-%d", os.Getpid()))
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", tmp, "./infra/devstack/cmd/kfake")
	cmd.Dir = root
	if out, berr := cmd.CombinedOutput(); berr != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("kafka: build kfake: %w\n%s", berr, out)
	}
	dst := filepath.Join(root, "bin", kfakeBinary)
	if rerr := os.Rename(tmp, dst); rerr != nil {
		return "", fmt.Errorf("kafka: build kfake: %w", rerr)
	}
	return dst, nil
}

// dialer is the kafka-go dialer of the readiness check.
func dialer(opts KafkaOptions) *kafka.Dialer {
	return &kafka.Dialer{Timeout: 10 * time.Second, DualStack: true, TLS: opts.ClientTLS, SASLMechanism: opts.ClientSASL}
}

// kafkaCheck dials addr with kafka-go, asks for API versions and reads the partitions of topics.
func kafkaCheck(addr string, topics []string, d *kafka.Dialer) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		if dl, ok := ctx.Deadline(); ok {
			_ = conn.SetDeadline(dl)
		}
		if _, err := conn.ApiVersions(); err != nil {
			return fmt.Errorf("api versions: %w", err)
		}
		if len(topics) == 0 {
			return nil
		}
		parts, err := conn.ReadPartitions(topics...)
		if err != nil {
			return fmt.Errorf("read partitions: %w", err)
		}
		seen := map[string]bool{}
		for _, p := range parts {
			seen[p.Topic] = true
		}
		for _, t := range topics {
			if !seen[t] {
				return fmt.Errorf("topic %q not in metadata yet", t)
			}
		}
		return nil
	}
}

// Addr returns the broker's host:port.
func (k *Kafka) Addr() string { return k.addr }

// Brokers returns the bootstrap broker addresses, for kafka-go's Brokers fields.
func (k *Kafka) Brokers() []string { return []string{k.addr} }

// OutOfProcess reports whether the broker runs as its own process.
func (k *Kafka) OutOfProcess() bool { return k.proc != nil }

// Kill ends an out-of-process broker with SIGKILL, as a crash would, and waits for it to die.
// It returns ErrInProcess for an in-process broker. Close still removes the broker's directory.
func (k *Kafka) Kill() error {
	if k.proc == nil {
		return ErrInProcess
	}
	return k.proc.kill()
}

// Close stops the broker and frees what it used. It is safe to call more than once.
func (k *Kafka) Close() error {
	if k.proc != nil {
		return k.proc.close()
	}
	k.closeOnce.Do(k.cluster.Close)
	return nil
}

// ErrNotInProcess is returned by fault injections that need the broker in this process.
var ErrNotInProcess = errors.New("kafka: the broker is not in this process")

// CutRequests closes the client connection that sends each of the next n requests with the
// given key (kmsg.Fetch, kmsg.Produce, ...), before the broker answers: a connection reset
// mid-fetch or mid-produce, as a broker restart or a network cut causes. Later requests are
// served normally.
func (k *Kafka) CutRequests(key int16, n int) error {
	if k.cluster == nil {
		return ErrNotInProcess
	}
	var mu sync.Mutex
	left := n
	k.cluster.ControlKey(key, func(kmsg.Request) (kmsg.Response, error, bool) {
		mu.Lock()
		defer mu.Unlock()
		if left <= 0 {
			return nil, nil, false
		}
		left--
		if left > 0 {
			k.cluster.KeepControl()
		}
		return nil, errors.New("connection cut by the test"), true
	})
	return nil
}
