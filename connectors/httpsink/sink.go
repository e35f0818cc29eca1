package httpsink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// ErrRetriesExhausted is returned when a batch was still refused with a retriable status (or
// not answered) after max.retries retries.
var ErrRetriesExhausted = errors.New("retries exhausted")

// StatusError is an HTTP answer outside 2xx.
type StatusError struct {
	Method, URL string
	Status      int
	// Body is the start of the response body.
	Body string
}

// Error describes the answer.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, nethttp.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Retriable reports whether a retry may succeed: 408, 425, 429 and 5xx (transient.HTTPStatus).
func (e *StatusError) Retriable() bool { return transient.HTTPStatus(e.Status) }

// HTTPStatusCode returns the answer's status, for transient.Classify: a batch that still
// fails with a retriable status after http.max.retries ends the slice to be retried later.
func (e *StatusError) HTTPStatusCode() int { return e.Status }

// Fatal reports whether the answer says the URL or the credentials are wrong, so that no
// record can be delivered: 401, 403, 404, 405 and 407.
func (e *StatusError) Fatal() bool {
	switch e.Status {
	case nethttp.StatusUnauthorized, nethttp.StatusForbidden, nethttp.StatusNotFound,
		nethttp.StatusMethodNotAllowed, nethttp.StatusProxyAuthRequired:
		return true
	}
	return false
}

// Connector is the HTTP sink connector.
type Connector struct {
	connect.ConnectorBase[spec]
}

// spec gives connect.ConnectorBase the connector's version and configuration check.
type spec struct{}

func (spec) Version() string { return Version }
func (spec) Check(props map[string]string) error {
	_, err := parse(props)
	return err
}

// Config returns the ConfigDef.
func (c *Connector) Config() *connect.ConfigDef { return ConfigDef() }

// NewTask returns a new HTTP sink task; it logs to its task context's logger.
func (c *Connector) NewTask() connect.SinkTask { return &Task{} }

// Validate reports header syntax and missing credentials on the key at fault.
func (c *Connector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	if results.ErrorCount > 0 {
		return nil
	}
	var ke *keyError
	if _, err := parse(props); errors.As(err, &ke) {
		results.AddError(ke.key, ke.err.Error())
	}
	return nil
}

// pending is one encoded record waiting to be sent.
type pending struct {
	rec  connect.SinkRecord
	body []byte
}

// Task sends records in batches. Put sends full batches; Flush sends the rest, so that every
// record before the offsets the runtime commits has been accepted by the server.
type Task struct {
	// Log receives retry warnings; nil means the task context's logger.
	Log      *slog.Logger
	s        settings
	client   *nethttp.Client
	reporter connect.ErrantRecordReporter
	queue    []pending
}

// Start parses the configuration and builds the HTTP client.
func (t *Task) Start(_ context.Context, props map[string]string, tctx connect.SinkTaskContext) error {
	s, err := parse(props)
	if err != nil {
		return err
	}
	t.s, t.reporter, t.queue = s, tctx.Reporter(), nil
	t.client = newClient(s)
	if t.Log == nil {
		t.Log = tctx.Logger()
	}
	return nil
}

// Put encodes the records and sends every full batch.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	if t.client == nil {
		return errors.New("http sink: put before start")
	}
	for i := range records {
		r := &records[i]
		if r.Value == nil && !t.s.failNulls {
			continue
		}
		var body []byte
		var err error
		if r.Value == nil {
			err = fmt.Errorf("%w: null value with %s=fail", ErrUnencodable, NullValuesConfig)
		} else {
			body, err = appendDocument(nil, r.Value)
		}
		if err != nil {
			if rerr := t.report(ctx, *r, err); rerr != nil {
				return rerr
			}
			continue
		}
		t.queue = append(t.queue, pending{rec: *r, body: body})
	}
	for len(t.queue) >= t.s.batch {
		if err := t.sendQueued(ctx, t.s.batch); err != nil {
			return err
		}
	}
	return nil
}

// Flush sends what is queued.
func (t *Task) Flush(ctx context.Context, _ map[connect.TopicPartition]int64) error {
	for len(t.queue) > 0 {
		if err := t.sendQueued(ctx, min(t.s.batch, len(t.queue))); err != nil {
			return err
		}
	}
	return nil
}

// Stop drops what is queued (its offsets were not committed) and closes idle connections.
func (t *Task) Stop() error {
	t.queue = nil
	if t.client != nil {
		t.client.CloseIdleConnections()
	}
	return nil
}

func (t *Task) sendQueued(ctx context.Context, n int) error {
	if err := t.send(ctx, t.queue[:n]); err != nil {
		return err
	}
	t.queue = t.queue[n:]
	return nil
}

func (t *Task) report(ctx context.Context, r connect.SinkRecord, err error) error {
	return t.reporter.Report(ctx, r, fmt.Errorf("http sink: record %s-%d@%d: %w", r.OriginalTopic, r.OriginalPartition, r.OriginalOffset, err))
}

// send delivers a batch: retriable answers are retried, a rejected batch is split in halves
// until the refused records are isolated and reported.
func (t *Task) send(ctx context.Context, batch []pending) error {
	err := t.deliver(ctx, batch)
	var se *StatusError
	if err == nil || !errors.As(err, &se) || se.Retriable() || se.Fatal() {
		return err
	}
	if len(batch) == 1 {
		return t.report(ctx, batch[0].rec, err)
	}
	half := len(batch) / 2
	if err := t.send(ctx, batch[:half]); err != nil {
		return err
	}
	return t.send(ctx, batch[half:])
}

// deliver sends one request, retrying retriable failures with backoff.
func (t *Task) deliver(ctx context.Context, batch []pending) error {
	body := t.body(batch)
	for attempt := 0; ; attempt++ {
		retryAfter, err := t.request(ctx, body)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("http sink: %w", ctx.Err())
		}
		var se *StatusError
		if errors.As(err, &se) && !se.Retriable() {
			return err
		}
		if attempt >= t.s.maxRetries {
			return fmt.Errorf("http sink: %d records: %w after %d attempts: %w", len(batch), ErrRetriesExhausted, attempt+1, err)
		}
		wait := min(t.s.backoff<<min(attempt, 30), t.s.backoffMax)
		wait = max(wait, retryAfter)
		t.Log.Warn("http sink: retrying", "attempt", attempt+1, "wait", wait, "error", err)
		if serr := connect.Sleep(ctx, wait); serr != nil {
			return fmt.Errorf("http sink: waiting to retry %s: %w", err, serr)
		}
	}
}

func (t *Task) body(batch []pending) []byte {
	size := 2
	for _, p := range batch {
		size += len(p.body) + 1
	}
	b := make([]byte, 0, size)
	if !t.s.ndjson {
		b = append(b, '[')
	}
	for i, p := range batch {
		if i > 0 && !t.s.ndjson {
			b = append(b, ',')
		}
		b = append(b, p.body...)
		if t.s.ndjson {
			b = append(b, '\n')
		}
	}
	if !t.s.ndjson {
		b = append(b, ']')
	}
	return b
}

// request sends body once; it returns the Retry-After wait of a refused request.
func (t *Task) request(ctx context.Context, body []byte) (time.Duration, error) {
	req, err := nethttp.NewRequestWithContext(ctx, t.s.method, t.s.url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("http sink: build request: %w", err)
	}
	if t.s.ndjson {
		req.Header.Set("Content-Type", "application/x-ndjson")
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "connectless-http-sink/"+Version)
	for _, h := range t.s.headers {
		req.Header.Set(h[0], h[1])
	}
	switch t.s.auth {
	case AuthBasic:
		req.SetBasicAuth(t.s.user, t.s.password)
	case AuthBearer:
		req.Header.Set("Authorization", "Bearer "+t.s.token)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, describeTransport(t.s, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	return retryAfter(resp.Header.Get("Retry-After"), time.Now()), &StatusError{
		Method: t.s.method, URL: redactURL(t.s.url), Status: resp.StatusCode, Body: strings.TrimSpace(string(snippet)),
	}
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 24*3600)) * time.Second
	}
	if at, err := nethttp.ParseTime(h); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

var (
	_ connect.SinkConnector = (*Connector)(nil)
	_ connect.Validator     = (*Connector)(nil)
	_ connect.SinkTask      = (*Task)(nil)
)
