package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/console"
	"github.com/connectless/connectless/core/rest"
	"github.com/connectless/connectless/core/schedule"
	"github.com/connectless/connectless/core/serverless"
	"github.com/connectless/connectless/infra/devstack"
)

// ErrCheck is wrapped by the error Run returns when a count does not match.
var ErrCheck = errors.New("demo check failed")

// Names the demo uses.
const (
	// Topic is the topic the logs are written to.
	Topic = "app-logs"
	// RestoredTopic is the topic one hour of logs is restored into.
	RestoredTopic = "app-logs-restored"
	// Bucket is the archive bucket.
	Bucket = "logs-archive"
	// ArchiveConnector and RestoreConnector name the two connectors.
	ArchiveConnector = "app-logs-archive"
	RestoreConnector = "app-logs-restore"
)

// Options configure Run. Zero values take the defaults.
type Options struct {
	// Out receives progress lines and the results. Default io.Discard.
	Out io.Writer
	// Records is how many log records are written. Default 100000.
	Records int
	// Partitions is the partition count of app-logs and app-logs-restored. Default 4.
	Partitions int
	// Tasks is tasks.max of both connectors. Default 2.
	Tasks int
	// Span is how far back the record timestamps go: they are spread evenly over the last
	// Span. Default 4h.
	Span time.Duration
	// Logger receives the runtime's logs. Default: discarded.
	Logger *slog.Logger
	// Wait keeps the services, the REST API and the data after the checks until ctx is
	// done, and prints how to reach them. Default false: Run stops everything at once.
	Wait bool
}

// Object is one object of the archive.
type Object struct {
	Key     string
	Size    int64
	Records int64
}

// Report is what a run did and found.
type Report struct {
	// Produced is how many records were written to app-logs.
	Produced int64
	// Objects are the archive's objects, sorted by key; Archived is their record count.
	Objects  []Object
	Archived int64
	// Archive is the archive connector's status as GET /connectors/{name}/status answered.
	Archive client.ConnectorStateInfo
	// Hour is the start of the restored hour; HourArchived is how many archived records it
	// holds, Restored how many records app-logs-restored received.
	Hour         time.Time
	HourArchived int64
	Restored     int64
	// Restore is the restore connector's status.
	Restore client.ConnectorStateInfo
	// Elapsed is the whole run's duration.
	Elapsed time.Duration
}

func (o *Options) defaults() {
	o.Out = cmp.Or[io.Writer](o.Out, io.Discard)
	o.Records = cmp.Or(o.Records, 100000)
	o.Partitions = cmp.Or(o.Partitions, 4)
	o.Tasks = cmp.Or(o.Tasks, 2)
	o.Span = cmp.Or(o.Span, 4*time.Hour)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// run is one demo run's state.
type run struct {
	opts   Options
	start  time.Time
	kafka  *devstack.Kafka
	s3     *devstack.S3
	s3c    *s3.Client
	rt     *serverless.Runtime
	api    *client.Client
	report Report
}

// progress prints one line prefixed with the elapsed time.
func (r *run) progress(format string, args ...any) {
	fmt.Fprintf(r.opts.Out, "[%5.1fs] %s\n", time.Since(r.start).Seconds(), fmt.Sprintf(format, args...))
}

// Run runs the demo. The report is filled as far as the run got, also on error.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts.defaults()
	r := &run{opts: opts, start: time.Now()}
	defer func() { r.report.Elapsed = time.Since(r.start) }()
	stop, err := r.startServices(ctx)
	defer stop()
	if err != nil {
		return &r.report, err
	}
	steps := []func(context.Context) error{r.produce, r.archive, r.showArchive, r.restore}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return &r.report, err
		}
	}
	r.progress("done: %d records produced, archived and counted back; %d of the hour %s restored",
		r.report.Produced, r.report.HourArchived, r.report.Hour.Format("2006-01-02 15:00 MST"))
	if opts.Wait {
		r.hold(ctx)
	}
	return &r.report, nil
}

// startServices starts Kafka, S3, the state store, the runtime and the REST API. stop
// releases whatever was started, in reverse order.
func (r *run) startServices(ctx context.Context) (stop func(), err error) {
	var closers []func() error
	stop = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			if cerr := closers[i](); cerr != nil {
				r.opts.Logger.Warn("demo: stop", "error", cerr)
			}
		}
	}
	r.progress("starting Kafka (kfake, in process) and S3 (versitygw on loopback)")
	var (
		wg             sync.WaitGroup
		kErr, sErr     error
		kTook, sTook   time.Duration
		kStart, sStart = time.Now(), time.Now()
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		r.kafka, kErr = devstack.StartKafka(ctx, devstack.KafkaOptions{Partitions: r.opts.Partitions, Topics: []string{Topic, RestoredTopic}})
		kTook = time.Since(kStart)
	}()
	go func() {
		defer wg.Done()
		r.s3, sErr = devstack.StartS3(ctx, devstack.S3Options{})
		sTook = time.Since(sStart)
	}()
	wg.Wait()
	if r.kafka != nil {
		closers = append(closers, r.kafka.Close)
	}
	if r.s3 != nil {
		closers = append(closers, r.s3.Close)
	}
	if err := errors.Join(kErr, sErr); err != nil {
		return stop, fmt.Errorf("start services: %w", err)
	}
	r.progress("Kafka ready at %s in %s: topics %s and %s, %d partitions each", r.kafka.Addr(), round(kTook), Topic, RestoredTopic, r.opts.Partitions)
	r.progress("S3 ready at %s in %s", r.s3.Endpoint, round(sTook))
	if r.s3c, err = r.s3.NewClient(ctx); err != nil {
		return stop, fmt.Errorf("s3 client: %w", err)
	}
	if err := r.s3.CreateBucket(ctx, Bucket); err != nil {
		return stop, err
	}
	dir, err := os.MkdirTemp("", "connectless-demo-")
	if err != nil {
		return stop, fmt.Errorf("state directory: %w", err)
	}
	closers = append(closers, func() error { return os.RemoveAll(dir) })
	reg, err := connectors.Registry()
	if err != nil {
		return stop, fmt.Errorf("connector registry: %w", err)
	}
	props := map[string]string{
		"bootstrap.servers":       r.kafka.Addr(),
		"state.backend":           serverless.BackendBolt,
		"state.bolt.path":         filepath.Join(dir, "connectless.db"),
		"task.shutdown.margin.ms": "2000",
	}
	r.rt, err = serverless.Open(ctx, props, serverless.Options{Registry: reg, Logger: r.opts.Logger, WorkerID: "demo"})
	if err != nil {
		return stop, fmt.Errorf("open runtime: %w", err)
	}
	closers = append(closers, r.rt.Close)
	r.progress("state: bolt file %s", props["state.bolt.path"])

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return stop, fmt.Errorf("rest listener: %w", err)
	}
	// The REST API, with the web console beside it as a worker serves it.
	mux := http.NewServeMux()
	mux.Handle("/", rest.New(r.rt.Herder, rest.Options{Version: "demo", Logger: r.opts.Logger}))
	mux.Handle(console.Prefix, console.Handler())
	mux.Handle("GET /ui", console.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	closers = append(closers, func() error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	url := "http://" + ln.Addr().String()
	if r.api, err = client.New(url, client.WithUserAgent("connectless-demo")); err != nil {
		return stop, fmt.Errorf("rest client: %w", err)
	}
	r.progress("REST API (Kafka Connect compatible) listening on %s", url)
	return stop, nil
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }

// holdTick is how often the scheduler ticks while the demo holds.
const holdTick = 2 * time.Second

// hold prints how to reach what the demo left running and, until ctx is done, ticks the
// scheduler every holdTick, so that connectors created meanwhile (through the console, the
// CLI or curl) run as they would on Lambda.
func (r *run) hold(ctx context.Context) {
	url := r.api.URL()
	fmt.Fprintf(r.opts.Out, `
Everything stays up until Ctrl-C; the scheduler ticks every %[11]s. Try:
  web console: %[1]s/ui/
  connectless --url %[1]s get connectors
  connectless --url %[1]s describe connector %[2]s
  curl -s '%[1]s/connectors?expand=status'
  curl -s %[1]s/connectors/%[2]s/offsets
  AWS_ACCESS_KEY_ID=%[3]s AWS_SECRET_ACCESS_KEY=%[4]s AWS_REGION=%[5]s \
    aws --endpoint-url %[6]s s3 ls s3://%[7]s --recursive
Kafka bootstrap server: %[8]s (topics %[9]s, %[10]s)
`, url, ArchiveConnector, r.s3.AccessKey, r.s3.SecretKey, r.s3.Region, r.s3.Endpoint, Bucket, r.kafka.Addr(), Topic, RestoredTopic, holdTick)
	t := time.NewTicker(holdTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			r.progress("stopping")
			return
		case <-t.C:
		}
		inv := &serverless.InProcess{Logger: r.opts.Logger, Run: func(ctx context.Context, p schedule.Payload) error {
			_, err := r.rt.RunTask(ctx, "", p)
			return err
		}}
		if _, err := r.rt.Schedule(ctx, time.Now(), inv); err != nil && ctx.Err() == nil {
			r.opts.Logger.Warn("demo: scheduler tick", "error", err)
		}
		inv.Wait()
	}
}
