package taskslice

import (
	"maps"
	"strings"
	"sync"
)

// statusReport holds what a task reported during a slice through
// connect.TaskStatusReporter; the slice's contexts share it.
type statusReport struct {
	mu     sync.Mutex
	gauges map[string]float64
	note   string
}

// SetGauge sets one gauge of the slice.
func (s *statusReport) SetGauge(name string, value float64) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gauges == nil {
		s.gauges = map[string]float64{}
	}
	s.gauges[name] = value
}

// SetStatusNote sets the slice's status note, on one line; empty clears it.
func (s *statusReport) SetStatusNote(note string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.note = strings.Join(strings.Fields(note), " ")
}

// result returns a copy of the gauges (nil when none) and the note.
func (s *statusReport) result() (map[string]float64, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.gauges), s.note
}
