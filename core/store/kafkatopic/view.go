package kafkatopic

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/store"
)

type taskKey struct {
	connector string
	task      int
}

// connState is what the config topic says about one connector, replayed as Kafka Connect's
// KafkaConfigBackingStore does.
type connState struct {
	config       map[string]string // nil when there is no connector record
	tasks        []map[string]string
	generation   int64
	pending      map[int]map[string]string // task records not yet committed
	inconsistent bool
}

type offsetEntry struct {
	rawKey   []byte
	rawValue []byte // decoded on demand: most records belong to other connectors
}

type leaseState struct {
	holder  string
	token   int64
	expires time.Time
	offset  int64 // log offset of the record that established this state
	// released: the holder gave the lease up (a release record), rather than letting it
	// expire or having it revoked
	released bool
}

// view is the in-memory state replayed from the three topics. Store.mu guards it.
type view struct {
	log      *slog.Logger
	conns    map[string]*connState
	targets  map[string]store.TargetState
	statuses map[taskKey]store.Status
	offsets  map[string]map[string]*offsetEntry // connector → store.PartitionKey → entry
	leases   map[taskKey]*leaseState
	topics   map[string]map[string]store.TopicStatus // connector → topic
}

func newView(log *slog.Logger) *view {
	return &view{log: log, conns: map[string]*connState{}, targets: map[string]store.TargetState{},
		statuses: map[taskKey]store.Status{}, offsets: map[string]map[string]*offsetEntry{},
		leases: map[taskKey]*leaseState{}, topics: map[string]map[string]store.TopicStatus{}}
}

func (v *view) conn(name string) *connState {
	c := v.conns[name]
	if c == nil {
		c = &connState{pending: map[int]map[string]string{}}
		v.conns[name] = c
	}
	return c
}

func (v *view) skip(r record, err error) {
	v.log.Warn("skipping internal topic record", slog.String("key", string(r.key)),
		slog.Int("partition", r.partition), slog.Int64("offset", r.offset), slog.Any("error", err))
}

// applyConfig replays one config topic record, dispatching on the key in Kafka Connect's order.
func (v *view) applyConfig(r record) {
	key := string(r.key)
	switch {
	case strings.HasPrefix(key, prefixTargetState):
		name := key[len(prefixTargetState):]
		if r.value == nil {
			delete(v.targets, name)
			return
		}
		ts, err := DecodeTargetState(r.value)
		if err != nil {
			v.skip(r, err)
			return
		}
		v.targets[name] = ts
	case strings.HasPrefix(key, prefixConnector):
		name := key[len(prefixConnector):]
		if r.value == nil {
			delete(v.conns, name) // a re-created connector starts over, generation 0
			return
		}
		props, err := DecodeProperties(r.value)
		if err != nil {
			v.skip(r, err)
			return
		}
		v.conn(name).config = props
	case strings.HasPrefix(key, prefixTask):
		name, n, ok := splitTaskKey(key[len(prefixTask):])
		if !ok || r.value == nil {
			return
		}
		props, err := DecodeProperties(r.value)
		if err != nil {
			v.skip(r, err)
			return
		}
		v.conn(name).pending[n] = props
	case strings.HasPrefix(key, prefixCommit):
		name := key[len(prefixCommit):]
		if r.value == nil {
			return
		}
		n, err := DecodeCommit(r.value)
		if err != nil {
			v.skip(r, err)
			return
		}
		c := v.conns[name]
		if c == nil || c.config == nil {
			return // commit for a deleted (compacted) connector: ignored, as Kafka Connect does
		}
		tasks := make([]map[string]string, n)
		for i := range n {
			t, ok := c.pending[i]
			if !ok {
				c.inconsistent = true
				return
			}
			tasks[i] = t
		}
		c.tasks = tasks
		c.pending = map[int]map[string]string{}
		c.inconsistent = false
		c.generation++
		if h, ok := r.header(HeaderGeneration); ok {
			if g, err := strconv.ParseInt(string(h), 10, 64); err == nil {
				c.generation = g
			}
		}
	}
}

// applyOffset replays one offsets topic record.
func (v *view) applyOffset(r record) {
	connector, partition, ok := DecodeOffsetKey(r.key)
	if !ok {
		return
	}
	pk, err := store.PartitionKey(partition)
	if err != nil {
		v.skip(r, err)
		return
	}
	m := v.offsets[connector]
	if r.value == nil {
		delete(m, pk)
		return
	}
	if m == nil {
		m = map[string]*offsetEntry{}
		v.offsets[connector] = m
	}
	m[pk] = &offsetEntry{rawKey: r.key, rawValue: r.value}
}

// leaseValue is the value of a connectless-lease-task- record in the status topic.
type leaseValue struct {
	Op        string `json:"op"` // acquire, assign, renew or release
	Holder    string `json:"holder"`
	Token     int64  `json:"token"`
	AtNanos   int64  `json:"at_ns"`
	ExpiresNs int64  `json:"expires_ns"`
}

// applyStatus replays one status topic record.
func (v *view) applyStatus(r record) {
	key := string(r.key)
	switch {
	case strings.HasPrefix(key, prefixStatusConn):
		v.applyStatusValue(r, taskKey{key[len(prefixStatusConn):], -1})
	case strings.HasPrefix(key, prefixStatusTask):
		name, n, ok := splitTaskKey(key[len(prefixStatusTask):])
		if !ok {
			return
		}
		v.applyStatusValue(r, taskKey{name, n})
	case strings.HasPrefix(key, prefixStatusTopic):
		v.applyTopicStatus(r, key[len(prefixStatusTopic):])
	case strings.HasPrefix(key, prefixLeaseTask):
		name, n, ok := splitTaskKey(key[len(prefixLeaseTask):])
		if !ok || r.value == nil {
			return
		}
		var lv leaseValue
		if err := json.Unmarshal(r.value, &lv); err != nil {
			v.skip(r, err)
			return
		}
		v.applyLease(taskKey{name, n}, lv, r.offset)
	}
}

func (v *view) applyStatusValue(r record, k taskKey) {
	if r.value == nil {
		delete(v.statuses, k)
		return
	}
	st := store.Status{Connector: k.connector, Task: k.task, Updated: r.time}
	if h, ok := r.header(HeaderUpdated); ok {
		st.Updated = time.Time{}
		if len(h) > 0 {
			if ns, err := strconv.ParseInt(string(h), 10, 64); err == nil {
				st.Updated = time.Unix(0, ns)
			}
		}
	}
	if err := DecodeStatus(r.value, &st); err != nil {
		v.skip(r, err)
		return
	}
	v.statuses[k] = st
}

// applyLease replays a lease claim. Claims are decided by log order: an acquire is valid only
// when it names the next token and the lease had expired at the claim's time; a renew or a
// release only when it names the current token; an assign (a group generation's claim) only
// when its token is above the current one, expired or not. The first record seen for a task (the log may
// have been compacted) is taken as the starting state.
func (v *view) applyLease(k taskKey, lv leaseValue, offset int64) {
	cur := v.leases[k]
	at, exp := time.Unix(0, lv.AtNanos), time.Unix(0, lv.ExpiresNs)
	if cur == nil {
		v.leases[k] = &leaseState{holder: lv.Holder, token: lv.Token, expires: exp, offset: offset}
		if lv.Op == "release" {
			v.leases[k].expires, v.leases[k].released = at, true
		}
		return
	}
	switch lv.Op {
	case "assign":
		if lv.Token <= cur.token {
			return
		}
		*cur = leaseState{holder: lv.Holder, token: lv.Token, expires: exp, offset: offset}
	case "acquire":
		if lv.Token != cur.token+1 || at.Before(cur.expires) {
			return
		}
		*cur = leaseState{holder: lv.Holder, token: lv.Token, expires: exp, offset: offset}
	case "renew":
		if lv.Token != cur.token {
			return
		}
		cur.expires, cur.offset, cur.released = exp, offset, false
	case "release":
		if lv.Token != cur.token {
			return
		}
		cur.expires, cur.offset, cur.released = at, offset, true
	}
}

// applyTopicStatus replays a status-topic-<topic>:connector-<c> record; a tombstone forgets
// the topic.
func (v *view) applyTopicStatus(r record, rest string) {
	topic, connector, ok := strings.Cut(rest, sepStatusTopic)
	if !ok || topic == "" || connector == "" {
		return
	}
	if r.value == nil {
		delete(v.topics[connector], topic)
		return
	}
	ts, err := DecodeTopicStatus(r.value)
	if err != nil {
		v.skip(r, err)
		return
	}
	m := v.topics[connector]
	if m == nil {
		m = map[string]store.TopicStatus{}
		v.topics[connector] = m
	}
	m[topic] = ts
}
