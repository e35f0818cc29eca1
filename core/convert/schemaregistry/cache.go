package schemaregistry

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/connectless/connectless/core/connect"
	"github.com/twmb/franz-go/pkg/sr"
)

// Cache is a bounded map that forgets the least recently used entry when full. Safe for
// concurrent use.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recent; values are K
	items map[K]lruItem[V]
}

type lruItem[V any] struct {
	v   V
	pos *list.Element
}

// NewCache returns a Cache holding at most max entries.
func NewCache[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, order: list.New(), items: map[K]lruItem[V]{}}
}

// Get returns the value cached for k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(it.pos)
	return it.v, true
}

// Put caches v for k, forgetting the least recently used entry when full.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if it, ok := c.items[k]; ok {
		it.v = v
		c.items[k] = it
		c.order.MoveToFront(it.pos)
		return
	}
	c.items[k] = lruItem[V]{v: v, pos: c.order.PushFront(k)}
	for len(c.items) > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(K))
	}
}

// Len returns how many entries are cached.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// Writers caches what a converter writes a Connect schema with (W: its registered text and
// compiled form), by the schema's pointer and, for schemas rebuilt for every record (new
// pointers, same shape), by its text, so each distinct schema is compiled once.
type Writers[W any] struct {
	bySchema *Cache[*connect.Schema, W]
	byText   *Cache[string, W]
}

// NewWriters returns a Writers holding at most max entries in each of its two caches.
func NewWriters[W any](max int) *Writers[W] {
	return &Writers[W]{bySchema: NewCache[*connect.Schema, W](max), byText: NewCache[string, W](max)}
}

// Get returns the writer of s: cached, or made by compile from the text that text gives.
func (w *Writers[W]) Get(s *connect.Schema, text func() (string, error), compile func(text string) (W, error)) (W, error) {
	if wr, ok := w.bySchema.Get(s); ok {
		return wr, nil
	}
	t, err := text()
	if err != nil {
		var zero W
		return zero, err
	}
	wr, ok := w.byText.Get(t)
	if !ok {
		if wr, err = compile(t); err != nil {
			return wr, err
		}
		w.byText.Put(t, wr)
	}
	w.bySchema.Put(s, wr)
	return wr, nil
}

// Readers caches what a converter reads records with (R: the parsed schema and its Connect
// schema), by K (the schema id; for Protobuf the id and message index), so each registered
// schema is fetched and converted once.
type Readers[K comparable, R any] struct {
	cache *Cache[K, R]
}

// NewReaders returns a Readers holding at most max entries.
func NewReaders[K comparable, R any](max int) *Readers[K, R] {
	return &Readers[K, R]{cache: NewCache[K, R](max)}
}

// Get returns the reader cached for k, or makes it with read from the schema registered as
// id (fetched from reg), which must be of type want. A registry failure is returned as
// Registry.SchemaByID gives it (retriable when the registry is down).
func (r *Readers[K, R]) Get(reg *Registry, k K, id int, want sr.SchemaType, read func(sr.Schema) (R, error)) (R, error) {
	if rd, ok := r.cache.Get(k); ok {
		return rd, nil
	}
	var zero R
	s, err := reg.SchemaByID(id)
	if err != nil {
		return zero, err
	}
	if s.Type != want {
		return zero, fmt.Errorf("%w: schema id %d is %s, not %s", ErrSchemaType, id, s.Type, want)
	}
	rd, err := read(s)
	if err != nil {
		return zero, fmt.Errorf("schema id %d: %w", id, err)
	}
	r.cache.Put(k, rd)
	return rd, nil
}
