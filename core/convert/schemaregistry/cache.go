package schemaregistry

import (
	"container/list"
	"sync"

	"github.com/connectless/connectless/core/connect"
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
