package s3sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/transient"
)

// Object metadata keys (x-amz-meta-*) recording what an object holds; recovery reads them.
const (
	metaFirstOffset = "connectless-first-offset"
	metaLastOffset  = "connectless-last-offset"
	metaRecordCount = "connectless-record-count"
	// The min/max record timestamps (ms), when a record had one: notifications of an object
	// found by a re-run read them.
	metaMinTimestamp = "connectless-min-timestamp"
	metaMaxTimestamp = "connectless-max-timestamp"
)

// ErrBucketRefused is wrapped when S3 refuses a write for a reason a retry cannot fix.
var ErrBucketRefused = errors.New("bucket refused the write")

// conflictError says an object already exists under a key with other contents than ours.
type conflictError struct {
	key              string
	ourLast, itsLast int64
}

// Error describes the conflict.
func (e *conflictError) Error() string {
	return fmt.Sprintf("object %q already exists with last offset %d, ours ends at %d", e.key, e.itsLast, e.ourLast)
}

// objectMeta is what recovery learns from an existing object.
type objectMeta struct {
	first, last  int64
	count        int
	size         int64
	minTs, maxTs *int64 // nil when not recorded
}

// store is the S3 side of the task: conditional creates and metadata lookups.
type store struct {
	client   *s3.Client
	cfg      *Config
	partSize int64
}

// head returns the metadata of an existing object; found is false when there is none.
func (s *store) head(ctx context.Context, key string) (objectMeta, bool, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: &key})
	if err != nil {
		var nf *types.NotFound
		if errors.As(err, &nf) || httpStatus(err) == http.StatusNotFound {
			return objectMeta{}, false, nil
		}
		return objectMeta{}, false, classify(fmt.Errorf("head object %q: %w", key, err))
	}
	last, err1 := strconv.ParseInt(out.Metadata[metaLastOffset], 10, 64)
	first, err2 := strconv.ParseInt(out.Metadata[metaFirstOffset], 10, 64)
	count, _ := strconv.Atoi(out.Metadata[metaRecordCount])
	if err1 != nil || err2 != nil {
		return objectMeta{}, false, fmt.Errorf("object %q exists without offset metadata (written by another tool?): refusing to overwrite or duplicate it", key)
	}
	return objectMeta{first: first, last: last, count: count, size: aws.ToInt64(out.ContentLength),
		minTs: parseTsMeta(out.Metadata[metaMinTimestamp]), maxTs: parseTsMeta(out.Metadata[metaMaxTimestamp])}, true, nil
}

func httpStatus(err error) int { return s3client.HTTPStatus(err) }

// classify marks S3 errors a retry may fix (transient.Is: throttling, 5xx, network; and
// 409 Conflict, a concurrent operation on the key) as retriable, and access errors as
// ErrBucketRefused naming the settings to check.
func classify(err error) error {
	st := httpStatus(err)
	var api smithy.APIError
	code := ""
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	switch {
	case code == "NoSuchBucket" || st == http.StatusNotFound:
		return fmt.Errorf("%w (check s3.bucket.name): %w", ErrBucketRefused, err)
	case st == http.StatusForbidden || code == "AccessDenied":
		return fmt.Errorf("%w (check aws.access.key.id, aws.secret.access.key and the bucket policy): %w", ErrBucketRefused, err)
	case transient.Is(err) || st == http.StatusConflict:
		return connect.Retriable(err)
	}
	return err
}

func isPreconditionFailed(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "PreconditionFailed" {
		return true
	}
	return httpStatus(err) == http.StatusPreconditionFailed
}

// create writes an object only if the key is free (If-None-Match: *), from a local file:
// one PutObject up to s3.part.size, multipart above. created is false when the key exists.
func (s *store) create(ctx context.Context, key string, f io.ReaderAt, size int64, meta map[string]string) (created bool, err error) {
	tags := s.tagging(meta)
	if size <= s.partSize {
		in := &s3.PutObjectInput{
			Bucket: &s.cfg.Bucket, Key: &key, Body: uploadBody(f, 0, size),
			ContentLength: aws.Int64(size), IfNoneMatch: aws.String("*"), Metadata: meta, Tagging: tags,
		}
		s.decoratePut(in)
		_, err := s.client.PutObject(ctx, in)
		if err != nil {
			if isPreconditionFailed(err) {
				return false, nil
			}
			return false, classify(fmt.Errorf("put object %q: %w", key, err))
		}
		return true, nil
	}
	cin := &s3.CreateMultipartUploadInput{Bucket: &s.cfg.Bucket, Key: &key, Metadata: meta, Tagging: tags}
	if s.cfg.ACLCanned != "" {
		cin.ACL = types.ObjectCannedACL(s.cfg.ACLCanned)
	}
	if s.cfg.SSEA != "" {
		cin.ServerSideEncryption = types.ServerSideEncryption(s.cfg.SSEA)
		if s.cfg.SSEA != "AES256" && s.cfg.SSEKMSKeyID != "" {
			cin.SSEKMSKeyId = &s.cfg.SSEKMSKeyID
		}
	}
	up, err := s.client.CreateMultipartUpload(ctx, cin)
	if err != nil {
		return false, classify(fmt.Errorf("create multipart upload %q: %w", key, err))
	}
	abort := func() {
		// Best effort: a bucket lifecycle rule cleans up what this misses.
		s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: &s.cfg.Bucket, Key: &key, UploadId: up.UploadId})
	}
	var parts []types.CompletedPart
	for n, off := int32(1), int64(0); off < size; n, off = n+1, off+s.partSize {
		l := min(s.partSize, size-off)
		p, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &s.cfg.Bucket, Key: &key, UploadId: up.UploadId, PartNumber: aws.Int32(n),
			Body: uploadBody(f, off, l), ContentLength: aws.Int64(l),
		})
		if err != nil {
			abort()
			return false, classify(fmt.Errorf("upload part %d of %q: %w", n, key, err))
		}
		parts = append(parts, types.CompletedPart{ETag: p.ETag, PartNumber: aws.Int32(n)})
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.cfg.Bucket, Key: &key, UploadId: up.UploadId, IfNoneMatch: aws.String("*"),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		abort()
		if isPreconditionFailed(err) {
			return false, nil
		}
		return false, classify(fmt.Errorf("complete multipart upload %q: %w", key, err))
	}
	return true, nil
}

// overwrite writes a companion object unconditionally (keys and headers files are arbitrated
// by their value file).
func (s *store) overwrite(ctx context.Context, key string, f io.ReaderAt, size int64, meta map[string]string) error {
	in := &s3.PutObjectInput{Bucket: &s.cfg.Bucket, Key: &key, Body: uploadBody(f, 0, size), ContentLength: aws.Int64(size), Metadata: meta, Tagging: s.tagging(meta)}
	s.decoratePut(in)
	if _, err := s.client.PutObject(ctx, in); err != nil {
		return classify(fmt.Errorf("put object %q: %w", key, err))
	}
	return nil
}

// tagging is the x-amz-tagging value for s3.object.tagging: startOffset, endOffset and
// recordCount as Confluent tags them, then the configured extra pairs; nil when off.
func (s *store) tagging(meta map[string]string) *string {
	if !s.cfg.ObjectTagging || meta == nil {
		return nil
	}
	q := url.Values{}
	q.Set("startOffset", meta[metaFirstOffset])
	q.Set("endOffset", meta[metaLastOffset])
	q.Set("recordCount", meta[metaRecordCount])
	for _, kv := range s.cfg.ExtraTags {
		if k, v, ok := strings.Cut(kv, ":"); ok {
			q.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	return aws.String(q.Encode())
}

func (s *store) decoratePut(in *s3.PutObjectInput) {
	if s.cfg.ACLCanned != "" {
		in.ACL = types.ObjectCannedACL(s.cfg.ACLCanned)
	}
	if s.cfg.SSEA != "" {
		in.ServerSideEncryption = types.ServerSideEncryption(s.cfg.SSEA)
		if s.cfg.SSEA != "AES256" && s.cfg.SSEKMSKeyID != "" {
			in.SSEKMSKeyId = &s.cfg.SSEKMSKeyID
		}
	}
}

// upload finishes the files of a file set into local objects and uploads them: companions
// first, then the arbiter (the value file, or the keys file of a tombstone file set) with a
// conditional create. An arbiter that already exists with the same offsets counts as written.
// Once the arbiter is in place, the companions are checked (offsets metadata) and rewritten if
// a racing run that lost replaced them; a loser never writes a companion after losing, so
// only a loser still between its companion and arbiter uploads can race this check.
func (t *Task) upload(ctx context.Context, tp connect.TopicPartition, f *fileSet) ([]ManifestEntry, error) {
	meta := map[string]string{
		metaFirstOffset: strconv.FormatInt(f.start, 10),
		metaLastOffset:  strconv.FormatInt(f.last, 10),
		metaRecordCount: strconv.Itoa(f.count),
	}
	tsMeta(meta, f)
	arbiter := layout.ValueView
	if f.spools[layout.ValueView] == nil {
		arbiter = layout.KeysView
	}
	var entries []ManifestEntry
	for _, v := range []layout.View{layout.KeysView, layout.HeadersView, layout.ValueView} {
		sp := f.spools[v]
		if sp == nil || v == arbiter {
			continue
		}
		e, err := t.uploadView(ctx, tp, f, v, meta, false)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	e, err := t.uploadView(ctx, tp, f, arbiter, meta, true)
	if err != nil {
		return nil, err
	}
	// The arbiter is ours: make sure a racing run that lost did not leave its companions.
	for _, c := range entries {
		m, found, err := t.store.head(ctx, c.Key)
		if err != nil {
			return nil, err
		}
		if found && m.last == f.last && m.count == f.count {
			continue
		}
		v := layout.KeysView
		if strings.Contains(c.Key, layout.HeadersView.Suffix()+".") {
			v = layout.HeadersView
		}
		t.log.Warn("rewriting a companion object a racing run replaced", "key", c.Key)
		if _, err := t.uploadView(ctx, tp, f, v, meta, false); err != nil {
			return nil, err
		}
	}
	return append([]ManifestEntry{e}, entries...), nil
}

func (t *Task) uploadView(ctx context.Context, tp connect.TopicPartition, f *fileSet, v layout.View, meta map[string]string, conditional bool) (ManifestEntry, error) {
	key := t.key(tp, f.enc, f.start, v)
	body, size, release, err := t.finish(f, v)
	if err != nil {
		return ManifestEntry{}, fmt.Errorf("write %q: %w", key, err)
	}
	defer release()
	entry := ManifestEntry{Key: key, Topic: tp.Topic, Partition: tp.Partition, FirstOffset: f.start, LastOffset: f.last,
		RecordCount: f.count, ByteSize: size, view: v}
	if f.minTs != int64(^uint64(0)>>1) {
		entry.MinTimestamp, entry.MaxTimestamp = &f.minTs, &f.maxTs
	}
	if !conditional {
		return entry, t.store.overwrite(ctx, key, body, size, meta)
	}
	created, err := t.store.create(ctx, key, body, size, meta)
	if err != nil {
		return ManifestEntry{}, err
	}
	if created {
		return entry, nil
	}
	// The key exists: a crashed or racing run wrote it. Same offsets means same records.
	m, found, err := t.store.head(ctx, key)
	if err != nil {
		return ManifestEntry{}, err
	}
	if found && m.last == f.last && m.count == f.count {
		t.log.Info("object already written by an earlier run", "key", key)
		return entry, nil
	}
	return ManifestEntry{}, &conflictError{key: key, ourLast: f.last, itsLast: m.last}
}

// objectSlack is what an object may take beyond its spool's bytes (format framing) when it
// is built in memory.
const objectSlack = 64 << 10

// finish builds the object of one view of a file from its spool: the spool itself when it is
// in memory and its format writes it unchanged (format.Verbatim), in memory when the spool is
// in memory and the task's spool budget holds the object too, otherwise in a local file. It
// returns the object, its size and what releases it.
func (t *Task) finish(f *fileSet, v layout.View) (io.ReaderAt, int64, func(), error) {
	sp := f.spools[v]
	if vf, ok := t.formats[v].(format.Verbatim); ok && sp.inMemory() && vf.Verbatim() {
		return sp.readerAt(), sp.written(), func() {}, nil
	}
	r, err := sp.reader()
	if err != nil {
		return nil, 0, nil, err
	}
	defer r.Close()
	if est := sp.written() + objectSlack; sp.inMemory() && t.budget.take(est) {
		mem := t.object
		if int64(cap(mem)) < est {
			mem = make([]byte, 0, est)
		}
		t.object = nil // in use until released
		buf := bytes.NewBuffer(mem[:0])
		release := func() { t.object = buf.Bytes()[:0]; t.budget.give(est) }
		if err := t.formats[v].Finish(buf, r, f.schemas[v], f.count); err != nil {
			release()
			return nil, 0, nil, err
		}
		return chunksReader{buf.Bytes()}, int64(buf.Len()), release, nil
	}
	out, err := os.CreateTemp(t.spillDir, "s3sink-*.object")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("create object file: %w", err)
	}
	release := func() { out.Close(); os.Remove(out.Name()) }
	if err := t.formats[v].Finish(out, r, f.schemas[v], f.count); err != nil {
		release()
		return nil, 0, nil, err
	}
	size, err := out.Seek(0, io.SeekCurrent)
	if err != nil {
		release()
		return nil, 0, nil, fmt.Errorf("object size: %w", err)
	}
	return out, size, release, nil
}
