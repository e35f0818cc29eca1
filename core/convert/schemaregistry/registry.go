package schemaregistry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/connectless/connectless/core/connect"
	"github.com/twmb/franz-go/pkg/sr"
)

// ErrRegistry is returned (wrapped) for an answer of the registry that refuses a schema or
// a lookup (a 4xx status): an error of the record being converted, carrying the registry's
// message.
var ErrRegistry = errors.New("schema registry")

// ErrIncompatible is returned (wrapped) when, with use.latest.version and
// latest.compatibility.strict, the latest schema of the subject cannot read records written
// with the record's own schema: an error of the record.
var ErrIncompatible = errors.New("latest schema is not backward compatible")

// ErrSchemaType is returned (wrapped) when a record's schema id names a schema of another
// format than the converter's (an Avro converter given a Protobuf record).
var ErrSchemaType = errors.New("schema of another format")

// ErrWireFormat is returned (wrapped) for bytes that are not in Confluent's wire format.
var ErrWireFormat = errors.New("not in Schema Registry wire format")

// Registry is a Schema Registry client with the caches a converter needs: schema ids by
// subject and schema text, schemas by id, and the latest schema of a subject. Safe for
// concurrent use.
type Registry struct {
	cl       *sr.Client
	settings Settings
	isKey    bool
	ids      *Cache[idKey, int]
	byID     *Cache[int, sr.Schema]
	latest   *Cache[string, sr.SubjectSchema]
	// Calls counts requests sent to the registry, for tests and metrics.
	calls atomic.Int64
}

type idKey struct{ subject, text string }

// New returns a Registry for the parsed settings of a key (isKey) or value converter.
func New(s Settings, isKey bool) (*Registry, error) {
	cl, err := sr.NewClient(s.clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	size := max(s.CacheSize, 1)
	return &Registry{
		cl: cl, settings: s, isKey: isKey,
		ids:    NewCache[idKey, int](size),
		byID:   NewCache[int, sr.Schema](size),
		latest: NewCache[string, sr.SubjectSchema](size),
	}, nil
}

// Client returns the franz-go client, for callers that need more of the registry's API.
func (r *Registry) Client() *sr.Client { return r.cl }

// Settings returns the settings the registry was made with.
func (r *Registry) Settings() Settings { return r.settings }

// Calls returns how many requests were sent to the registry so far.
func (r *Registry) Calls() int64 { return r.calls.Load() }

// Subject names the subject of a schema per the configured strategy: recordName is the
// fully-qualified name of the record (or the type name of a schema that names none).
func (r *Registry) Subject(topic, recordName string) string {
	return SubjectName(r.settings.Strategy, topic, recordName, r.isKey)
}

// SubjectName names the subject of a key (isKey) or value schema of topic per strategy, a
// subject name strategy's Java class name: TopicNameStrategy (also for "") gives
// <topic>-key or <topic>-value, RecordNameStrategy the record's fully-qualified name,
// TopicRecordNameStrategy <topic>-<record name>, as Confluent's serializers name them.
func SubjectName(strategy, topic, recordName string, isKey bool) string {
	switch strategy {
	case RecordNameStrategy:
		return recordName
	case TopicRecordNameStrategy:
		return topic + "-" + recordName
	}
	if isKey {
		return topic + "-key"
	}
	return topic + "-value"
}

func (r *Registry) ctx() (context.Context, context.CancelFunc) {
	// Converters get no context (connect.Converter has none): each call is bounded by
	// connectless.schema.registry.request.timeout.ms instead.
	ctx, cancel := context.WithTimeout(context.Background(), r.settings.RequestTimeout)
	if r.settings.Normalize {
		ctx = sr.WithParams(ctx, sr.Normalize)
	}
	return ctx, cancel
}

// ID returns the id of schema under subject: registered when auto.register.schemas is on,
// looked up otherwise. Answers are cached; only the first use of a schema calls the registry.
func (r *Registry) ID(subject string, s sr.Schema) (int, error) {
	k := idKey{subject, s.Schema}
	if id, ok := r.ids.Get(k); ok {
		return id, nil
	}
	ctx, cancel := r.ctx()
	defer cancel()
	r.calls.Add(1)
	var id int
	var err error
	if r.settings.AutoRegister {
		id, err = r.cl.RegisterSchema(ctx, subject, s, -1, -1)
		err = classify(err, "register a schema under subject "+subject)
	} else {
		var ss sr.SubjectSchema
		ss, err = r.cl.LookupSchema(ctx, subject, s)
		id, err = ss.ID, classify(err, "look up the schema under subject "+subject+" (auto.register.schemas=false)")
	}
	if err != nil {
		return 0, err
	}
	r.ids.Put(k, id)
	if _, ok := r.byID.Get(id); !ok {
		r.byID.Put(id, s)
	}
	return id, nil
}

// Latest returns the latest schema registered under subject (use.latest.version). Whether
// it can read own (latest.compatibility.strict) is the converter's to check, on its side,
// as Confluent's serializers check it (ParsedSchema.isBackwardCompatible).
func (r *Registry) Latest(subject string, own sr.Schema) (sr.SubjectSchema, error) {
	k := subject + "\x00" + own.Schema
	if ss, ok := r.latest.Get(k); ok {
		return ss, nil
	}
	ctx, cancel := r.ctx()
	defer cancel()
	r.calls.Add(1)
	ss, err := r.cl.SchemaByVersion(ctx, subject, -1)
	if err = classify(err, "get the latest schema of subject "+subject); err != nil {
		return ss, err
	}
	r.latest.Put(k, ss)
	r.byID.Put(ss.ID, ss.Schema)
	return ss, nil
}

// SchemaByID returns the schema with the given id, from the cache or the registry.
func (r *Registry) SchemaByID(id int) (sr.Schema, error) {
	if s, ok := r.byID.Get(id); ok {
		return s, nil
	}
	ctx, cancel := r.ctx()
	defer cancel()
	r.calls.Add(1)
	s, err := r.cl.SchemaByID(ctx, id)
	if err = classify(err, fmt.Sprintf("get schema id %d", id)); err != nil {
		return s, err
	}
	r.byID.Put(id, s)
	return s, nil
}

// SchemaBySubjectVersion returns the schema registered as version of subject (for
// references).
func (r *Registry) SchemaBySubjectVersion(subject string, version int) (sr.SubjectSchema, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	r.calls.Add(1)
	ss, err := r.cl.SchemaByVersion(ctx, subject, version)
	return ss, classify(err, fmt.Sprintf("get version %d of subject %s", version, subject))
}

// classify wraps a registry failure: a registry that cannot be reached or answers 5xx (or
// 408/429) is retriable; any other answer is ErrRegistry with the registry's message.
func classify(err error, doing string) error {
	if err == nil {
		return nil
	}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		msg := fmt.Sprintf("%s: HTTP %d from %s %s", doing, re.StatusCode, re.Method, re.URL)
		if re.ErrorCode != 0 {
			msg += fmt.Sprintf(" (error code %d)", re.ErrorCode)
		}
		switch {
		case re.StatusCode >= 500 || re.StatusCode == http.StatusRequestTimeout || re.StatusCode == http.StatusTooManyRequests:
			return connect.Retriable(fmt.Errorf("%w: %s: %s", ErrRegistry, msg, re.Error()))
		case re.StatusCode == http.StatusUnauthorized || re.StatusCode == http.StatusForbidden:
			return fmt.Errorf("%w: %s: %s; check basic.auth.* / bearer.auth.* of the converter", ErrRegistry, msg, re.Error())
		}
		return fmt.Errorf("%w: %s: %s", ErrRegistry, msg, re.Error())
	}
	// A certificate the client does not trust will not change by waiting.
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) {
		return fmt.Errorf("%w: %s: %w; check schema.registry.ssl.* of the converter", ErrRegistry, doing, err)
	}
	// No answer: the registry is down or unreachable, or the call timed out.
	return connect.Retriable(fmt.Errorf("%w: %s: registry unreachable: %w", ErrRegistry, doing, err))
}

// AppendHeader appends Confluent's wire header for schema id (and, for Protobuf, the message
// indexes) to b.
func AppendHeader(b []byte, id int, index []int) ([]byte, error) {
	return new(sr.ConfluentHeader).AppendEncode(b, id, index)
}

// DecodeID reads the wire header's schema id and returns the bytes after it.
func DecodeID(topic string, b []byte) (int, []byte, error) {
	id, rest, err := new(sr.ConfluentHeader).DecodeID(b)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %d bytes on topic %s do not start with magic byte 0 and a 4-byte schema id (%v); "+
			"the record was not written by a Schema Registry serializer", ErrWireFormat, len(b), topic, err)
	}
	return id, rest, nil
}

// DecodeIndex reads the Protobuf message indexes after the schema id.
func DecodeIndex(topic string, b []byte) ([]int, []byte, error) {
	idx, rest, err := new(sr.ConfluentHeader).DecodeIndex(b, 64)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: bad Protobuf message index on topic %s: %v", ErrWireFormat, topic, err)
	}
	return idx, rest, nil
}
