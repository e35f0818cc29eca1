package s3source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/archive/format"
	"github.com/connectless/connectless/core/connect"
)

// openSet reads one file set: its value, keys and headers objects in lock-step.
type openSet struct {
	fs         *fileSet
	value      format.Reader
	keys, hdrs format.Reader
	bodies     []io.Closer
	index      int64 // records read so far
}

func (o *openSet) close() {
	for _, r := range []format.Reader{o.value, o.keys, o.hdrs} {
		if r != nil {
			r.Close()
		}
	}
	for _, b := range o.bodies {
		b.Close()
	}
}

// open starts reading a file set's objects.
func (t *Task) open(ctx context.Context, fs *fileSet) (*openSet, error) {
	o := &openSet{fs: fs}
	get := func(key, ext string, raw bool) (format.Reader, error) {
		bucket := t.cfg.Bucket
		out, err := t.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			return nil, retriable(fmt.Errorf("get object %q: %w", key, err))
		}
		o.bodies = append(o.bodies, out.Body)
		newReader := format.NewReader
		if raw {
			newReader = format.NewRawJSONReader
		}
		r, err := newReader(ext, out.Body, t.cfg.Formats)
		if err != nil {
			return nil, fmt.Errorf("read object %q: %w", key, err)
		}
		return r, nil
	}
	var err error
	if fs.value != "" {
		if o.value, err = get(fs.value, fs.valueName.Ext, t.cfg.RawJSON); err != nil {
			o.close()
			return nil, err
		}
	}
	if fs.keys != "" {
		if o.keys, err = get(fs.keys, fs.keysName.Ext, false); err != nil {
			o.close()
			return nil, err
		}
	}
	if fs.hdrs != "" {
		if o.hdrs, err = get(fs.hdrs, fs.hdrsName.Ext, false); err != nil {
			o.close()
			return nil, err
		}
	}
	return o, nil
}

// next returns the partition's next record that passes the filters; ok is false when the
// partition is fully restored.
func (t *Task) next(ctx context.Context, p *partState) (rec connect.SourceRecord, ok bool, err error) {
	c := t.cfg
	for {
		if p.cur == nil {
			if p.next >= len(p.files) {
				return rec, false, nil
			}
			fs := p.files[p.next]
			if c.OffsetEnd >= 0 && fs.name.StartOffset >= c.OffsetEnd {
				// Files are sorted by start offset: none of the rest is in range.
				p.next = len(p.files)
				continue
			}
			if p.cur, err = t.open(ctx, fs); err != nil {
				if t.skipBad(p, fs.name.Key, err) {
					continue
				}
				return rec, false, err
			}
		}
		o := p.cur
		r, done, err := t.read(o)
		if err != nil {
			err = fmt.Errorf("object %q record %d: %w", o.fs.name.Key, o.index, err)
			if t.skipBad(p, o.fs.name.Key, err) {
				continue
			}
			return rec, false, err
		}
		if done {
			o.close()
			p.cur, p.skip = nil, 0
			p.next++
			continue
		}
		idx := o.index
		o.index++
		if idx < p.skip {
			continue
		}
		off := o.fs.name.StartOffset + idx
		if (c.OffsetStart >= 0 && off < c.OffsetStart) || (c.OffsetEnd >= 0 && off >= c.OffsetEnd) {
			continue
		}
		if c.HasTimeRange {
			ts, known := o.fs.bucketStart, o.fs.hasBucket
			if c.RecordFieldTime {
				if !r.Timestamp.IsZero() {
					ts, known = r.Timestamp.UnixMilli(), true
				}
			}
			if !known || ts < c.TimeStart || ts >= c.TimeEnd {
				continue
			}
		}
		r.Topic = c.targetTopic(p.tp.Topic)
		if c.KeepPartitions {
			part := p.tp.Partition
			r.Partition = &part
		}
		return connect.SourceRecord{
			Record:          r,
			SourcePartition: sourcePartition(p.tp),
			SourceOffset:    map[string]any{ObjectField: o.fs.name.Key, IndexField: o.index},
		}, true, nil
	}
}

// read reads the next record of a file set in lock-step; done is true after the last one.
func (t *Task) read(o *openSet) (r connect.Record, done bool, err error) {
	step := func(rd format.Reader, what string) (*connect.Schema, any, bool, error) {
		if rd == nil {
			return nil, nil, false, nil
		}
		s, v, err := rd.Next()
		if err == io.EOF {
			return nil, nil, true, nil
		}
		if err != nil {
			return nil, nil, false, fmt.Errorf("%s: %w", what, err)
		}
		return s, v, false, nil
	}
	vs, v, vEOF, err := step(o.value, "value")
	if err != nil {
		return r, false, err
	}
	ks, k, kEOF, err := step(o.keys, "key")
	if err != nil {
		return r, false, err
	}
	_, h, hEOF, err := step(o.hdrs, "headers")
	if err != nil {
		return r, false, err
	}
	eofs := []bool{}
	if o.value != nil {
		eofs = append(eofs, vEOF)
	}
	if o.keys != nil {
		eofs = append(eofs, kEOF)
	}
	if o.hdrs != nil {
		eofs = append(eofs, hEOF)
	}
	all, anyEOF := true, false
	for _, e := range eofs {
		all = all && e
		anyEOF = anyEOF || e
	}
	if all {
		return r, true, nil
	}
	if anyEOF {
		return r, false, fmt.Errorf("%w: the value, keys and headers files hold different record counts", format.ErrFormat)
	}
	r = connect.Record{KeySchema: ks, Key: k, ValueSchema: vs, Value: v}
	if o.hdrs != nil {
		if r.Headers, err = format.HeadersOf(h); err != nil {
			return r, false, err
		}
	}
	if t.cfg.RecordFieldTime && v != nil {
		ts, err := t.fieldTime(v)
		if err != nil {
			return r, false, err
		}
		r.Timestamp = ts
	}
	return r, false, nil
}

// errNoTimestamp is wrapped when a value lacks a readable timestamp.field.
var errNoTimestamp = errors.New("no timestamp")

// fieldTime reads timestamp.field of a value, as the sink's RecordField extractor.
func (t *Task) fieldTime(v any) (time.Time, error) {
	field := t.cfg.Layout.TimestampField
	if raw, ok := v.([]byte); ok && t.cfg.RawJSON {
		parsed, err := format.ParseJSONValue(raw)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %w", format.ErrFormat, err)
		}
		v = parsed
	}
	cur := v
	for _, part := range strings.Split(field, ".") {
		switch x := cur.(type) {
		case *connect.Struct:
			cur, _ = x.Get(part)
		case map[string]any:
			cur = x[part]
		default:
			cur = nil
		}
	}
	switch x := cur.(type) {
	case time.Time:
		return x, nil
	case int64:
		return time.UnixMilli(x).UTC(), nil
	case int32:
		return time.UnixMilli(int64(x)).UTC(), nil
	case float64:
		return time.UnixMilli(int64(x)).UTC(), nil
	case string:
		loc := time.UTC
		if tz := t.cfg.Layout.Timezone; tz != "" {
			if l, err := time.LoadLocation(tz); err == nil {
				loc = l
			}
		}
		ms, err := parseTime(x, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: timestamp.field %q: %w", errNoTimestamp, field, err)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: timestamp.field %q holds %T", errNoTimestamp, field, cur)
}

// skipBad moves past an unreadable file set when behavior.on.error=ignore; it reports
// whether it did. Errors a retry may fix (S3 unavailable) are never skipped.
func (t *Task) skipBad(p *partState, key string, err error) bool {
	if !t.cfg.IgnoreErrors || connect.IsRetriable(err) {
		return false
	}
	t.log.Warn("skipping unreadable object", "key", key, "error", err)
	if p.cur != nil {
		p.cur.close()
		p.cur = nil
	}
	p.skip = 0
	p.next++
	return true
}
