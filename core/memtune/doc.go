// Package memtune sets the Go garbage collector of a task process: a soft memory limit
// (runtime/debug.SetMemoryLimit) from the memory the process may use, and a GC percentage
// above Go's default of 100, so a task with a small live heap collects less often while the
// limit still bounds its footprint. GOMEMLIMIT and GOGC in the environment win over both.
package memtune
