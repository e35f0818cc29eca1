package schemaregistry

import (
	"container/list"
	"sync"
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
