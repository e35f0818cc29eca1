package kafka

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	fetchapi "github.com/segmentio/kafka-go/protocol/fetch"
)

// rawFetch is a Fetch request that reads its own response. It goes through kafka-go's
// transport like any other request (connection pool, TLS, SASL, routing to the partition's
// leader), but instead of letting kafka-go's generic decoder read the response field by field
// (every varint of every record a byte at a time), RawExchange reads the whole response into
// one buffer and decodes its record batches in one pass (decodeBatches).
type rawFetch struct {
	req      fetchapi.Request
	clientID string
	version  int16
}

// rawFetchResponse is what RawExchange read: the one partition's fields and its record
// batches as the broker sent them, sub-slicing the response buffer.
type rawFetchResponse struct {
	errorCode      int16
	partition      fetchPartition
	topicCount     int
	partitionCount int
}

// fetchPartition is one partition of a fetch response.
type fetchPartition struct {
	partition      int32
	errorCode      int16
	highWatermark  int64
	logStartOffset int64
	// records are the partition's record batches, nil when the broker sent none.
	records []byte
}

// rawFetchCorrelationID is the correlation id of every raw fetch: kafka-go's connections
// carry one request at a time, so the id only checks that the response is this request's.
const rawFetchCorrelationID = 0x6b666574

// maxFetchVersion is the newest Fetch version rawFetch speaks: v11, the last one without
// flexible (tagged) fields, and the newest kafka-go negotiates.
const maxFetchVersion = 11

// errFetchResponse wraps a fetch response this package cannot read.
var errFetchResponse = errors.New("malformed fetch response")

// ApiKey implements protocol.Message.
func (r *rawFetch) ApiKey() protocol.ApiKey { return protocol.Fetch }

// Broker routes the request to the partition's leader, as kafka-go's own fetch request does.
func (r *rawFetch) Broker(c protocol.Cluster) (protocol.Broker, error) { return r.req.Broker(c) }

// Required reports that the request reads its own response, and remembers the version
// negotiated on the connection it is about to be sent on.
func (r *rawFetch) Required(versions map[protocol.ApiKey]int16) bool {
	r.version = min(versions[protocol.Fetch], maxFetchVersion)
	return true
}

// RawExchange writes the request with kafka-go's encoder and reads the response itself.
func (r *rawFetch) RawExchange(rw io.ReadWriter) (protocol.Message, error) {
	if err := protocol.WriteRequest(rw, r.version, rawFetchCorrelationID, r.clientID, &r.req); err != nil {
		return nil, err
	}
	var size [4]byte
	if _, err := io.ReadFull(rw, size[:]); err != nil {
		if errors.Is(err, io.EOF) {
			// the request went out and the broker closed the connection before answering:
			// a cut exchange, retriable, as a response cut short is
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read fetch response: %w", err)
	}
	n := int32(binary.BigEndian.Uint32(size[:]))
	if n < 4 {
		return nil, fmt.Errorf("%w: size %d", errFetchResponse, n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(rw, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // the size came, the body did not
		}
		return nil, fmt.Errorf("read fetch response: %w", err)
	}
	return parseFetchResponse(buf, r.version)
}

// ApiKey implements protocol.Message.
func (r *rawFetchResponse) ApiKey() protocol.ApiKey { return protocol.Fetch }

// parseFetchResponse reads a fetch response of the given version (v0 to v11) after its
// size: the correlation id, then the response. Its record bytes sub-slice b.
func parseFetchResponse(b []byte, version int16) (*rawFetchResponse, error) {
	p := wireReader{b: b}
	if id := p.int32(); id != rawFetchCorrelationID && p.err == nil {
		return nil, fmt.Errorf("%w: correlation id %d, want %d", errFetchResponse, id, rawFetchCorrelationID)
	}
	res := &rawFetchResponse{}
	if version >= 1 {
		p.int32() // throttle_time_ms
	}
	if version >= 7 {
		res.errorCode = p.int16()
		p.int32() // session_id
	}
	topics := p.arrayLen()
	res.topicCount = max(topics, 0)
	for range topics {
		p.skip(int(p.int16())) // topic name: the request named one
		parts := p.arrayLen()
		for range parts {
			fp := fetchPartition{partition: p.int32(), errorCode: p.int16(), highWatermark: p.int64()}
			if version >= 4 {
				p.int64() // last_stable_offset
			}
			fp.logStartOffset = -1
			if version >= 5 {
				fp.logStartOffset = p.int64()
			}
			if version >= 4 {
				aborted := p.arrayLen()
				p.skip(max(aborted, 0) * 16) // producer_id, first_offset: read_uncommitted ignores them
			}
			if version >= 11 {
				p.int32() // preferred_read_replica
			}
			if n := p.int32(); n >= 0 {
				fp.records = p.bytes(int(n))
			}
			if res.partitionCount == 0 {
				res.partition = fp
			}
			res.partitionCount++
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return res, nil
}

// wireReader reads the big-endian fields of a Kafka response; the first short read sets
// err and every later read returns zero.
type wireReader struct {
	b   []byte
	off int
	err error
}

func (p *wireReader) need(n int) bool {
	if p.err != nil {
		return false
	}
	if n < 0 || len(p.b)-p.off < n {
		p.err = fmt.Errorf("%w: %d bytes needed at %d of %d", errFetchResponse, n, p.off, len(p.b))
		return false
	}
	return true
}

func (p *wireReader) int16() int16 {
	if !p.need(2) {
		return 0
	}
	v := int16(binary.BigEndian.Uint16(p.b[p.off:]))
	p.off += 2
	return v
}

func (p *wireReader) int32() int32 {
	if !p.need(4) {
		return 0
	}
	v := int32(binary.BigEndian.Uint32(p.b[p.off:]))
	p.off += 4
	return v
}

func (p *wireReader) int64() int64 {
	if !p.need(8) {
		return 0
	}
	v := int64(binary.BigEndian.Uint64(p.b[p.off:]))
	p.off += 8
	return v
}

// arrayLen reads an array length; -1 (null) reads as 0.
func (p *wireReader) arrayLen() int {
	n := int(p.int32())
	if n < 0 {
		return 0
	}
	if !p.need(n) { // every element takes at least a byte
		return 0
	}
	return n
}

func (p *wireReader) skip(n int) {
	if p.need(n) {
		p.off += n
	}
}

// bytes returns the next n bytes, clipped to their length.
func (p *wireReader) bytes(n int) []byte {
	if !p.need(n) {
		return nil
	}
	b := p.b[p.off : p.off+n : p.off+n]
	p.off += n
	return b
}

// fetchRaw is Fetch over rawFetch: one request for one partition at a real offset.
func (c *Client) fetchRaw(ctx context.Context, topic string, partition int32, offset int64, opts FetchOptions) (*rawFetchResponse, error) {
	maxWait := opts.MaxWait
	// As kafka-go's Client.Fetch does: the broker may wait at most half of what is left of
	// the request's time, so that its answer arrives before the deadline.
	timeout := c.opts.Timeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	if timeout > 0 {
		maxWait = min(maxWait, timeout/2)
	}
	maxBytes := int32(min(opts.MaxBytes, math.MaxInt32))
	m := &rawFetch{clientID: c.opts.ClientID, req: fetchapi.Request{
		ReplicaID:    -1,
		MaxWaitTime:  int32(maxWait.Milliseconds()),
		MinBytes:     1,
		MaxBytes:     maxBytes,
		SessionID:    -1,
		SessionEpoch: -1,
		Topics: []fetchapi.RequestTopic{{Topic: topic, Partitions: []fetchapi.RequestPartition{{
			Partition:          partition,
			CurrentLeaderEpoch: -1,
			FetchOffset:        offset,
			LogStartOffset:     -1,
			PartitionMaxBytes:  maxBytes,
		}}}},
	}}
	if c.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	msg, err := c.fetchKC.Transport.RoundTrip(ctx, c.addr, m)
	if err != nil {
		return nil, err
	}
	res, ok := msg.(*rawFetchResponse)
	if !ok {
		return nil, fmt.Errorf("%w: %T", errFetchResponse, msg)
	}
	if res.errorCode != 0 {
		return nil, kafkago.Error(res.errorCode)
	}
	if res.topicCount == 0 {
		return nil, protocol.ErrNoTopic
	}
	if res.partitionCount == 0 {
		return nil, protocol.ErrNoPartition
	}
	return res, nil
}
