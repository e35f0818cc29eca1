package rest

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// RootLogger is the name of the root logger in /admin/loggers.
const RootLogger = "root"

// log4j level names and their slog levels.
var levels = map[string]slog.Level{
	"OFF":   slog.Level(math.MaxInt32),
	"FATAL": slog.LevelError + 4,
	"ERROR": slog.LevelError,
	"WARN":  slog.LevelWarn,
	"INFO":  slog.LevelInfo,
	"DEBUG": slog.LevelDebug,
	"TRACE": slog.LevelDebug - 4,
	"ALL":   slog.Level(math.MinInt32),
}

type loggerState struct {
	level    *slog.LevelVar
	name     string // log4j level name last set; "" when not set explicitly
	modified *int64 // epoch ms of the last change through the API
}

// Loggers is the set of named loggers behind /admin/loggers: each has a *slog.LevelVar and
// an optional explicit level; a logger without one inherits from its nearest dotted
// ancestor, then from root. Safe for concurrent use.
type Loggers struct {
	mu      sync.Mutex
	loggers map[string]*loggerState
	now     func() time.Time
}

// NewLoggers returns a logger set whose root level is root (INFO when nil).
func NewLoggers(root *slog.LevelVar) *Loggers {
	if root == nil {
		root = new(slog.LevelVar)
	}
	l := &Loggers{loggers: map[string]*loggerState{}, now: time.Now}
	l.loggers[RootLogger] = &loggerState{level: root, name: levelName(root.Level())}
	return l
}

func levelName(l slog.Level) string {
	best, bestLevel := "INFO", slog.Level(math.MinInt32)
	for n, v := range levels {
		if v <= l && v > bestLevel {
			best, bestLevel = n, v
		}
	}
	return best
}

// Logger returns a logger named name whose records go to base when the name's effective
// level allows them. The name is registered, so /admin/loggers/{name} finds it.
func (l *Loggers) Logger(base slog.Handler, name string) *slog.Logger {
	return slog.New(&levelHandler{next: base, lv: l.Level(name)})
}

// Level returns the LevelVar of a logger name, registering it (inheriting its effective level).
func (l *Loggers) Level(name string) *slog.LevelVar {
	if strings.EqualFold(name, RootLogger) {
		name = RootLogger
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if st, ok := l.loggers[name]; ok {
		return st.level
	}
	lv := new(slog.LevelVar)
	lv.Set(l.effectiveLocked(name).level.Level())
	l.loggers[name] = &loggerState{level: lv}
	return lv
}

// effectiveLocked returns the state holding the explicit level name inherits.
func (l *Loggers) effectiveLocked(name string) *loggerState {
	for n := name; n != ""; {
		if st, ok := l.loggers[n]; ok && st.name != "" {
			return st
		}
		i := strings.LastIndex(n, ".")
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return l.loggers[RootLogger]
}

// loggerLevel is Kafka's LoggerLevel.
type loggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// All returns the loggers with an explicit level, plus root.
func (l *Loggers) all() map[string]loggerLevel {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]loggerLevel{}
	for n, st := range l.loggers {
		if st.name != "" || n == RootLogger {
			out[n] = loggerLevel{Level: l.effectiveLocked(n).name, LastModified: st.modified}
		}
	}
	return out
}

func (l *Loggers) get(name string) (loggerLevel, bool) {
	if strings.EqualFold(name, RootLogger) {
		name = RootLogger
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.loggers[name]
	if !ok {
		return loggerLevel{}, false
	}
	return loggerLevel{Level: l.effectiveLocked(name).name, LastModified: st.modified}, true
}

// set gives namespace and every known logger under it the level; it returns their names,
// sorted. The root namespace covers every logger.
func (l *Loggers) set(namespace, level string) []string {
	if strings.EqualFold(namespace, RootLogger) {
		namespace = RootLogger
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.loggers[namespace]; !ok {
		l.loggers[namespace] = &loggerState{level: new(slog.LevelVar)}
	}
	now := l.now().UnixMilli()
	var changed []string
	for n, st := range l.loggers {
		if namespace == RootLogger || strings.HasPrefix(n, namespace) {
			st.name = level
			st.level.Set(levels[level])
			st.modified = &now
			changed = append(changed, n)
		}
	}
	slices.Sort(changed)
	return changed
}

// levelHandler filters records by a LevelVar before the wrapped handler.
type levelHandler struct {
	next slog.Handler
	lv   *slog.LevelVar
}

func (h *levelHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.lv.Level() }
func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.next.Handle(ctx, r)
}
func (h *levelHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &levelHandler{next: h.next.WithAttrs(as), lv: h.lv}
}
func (h *levelHandler) WithGroup(g string) slog.Handler {
	return &levelHandler{next: h.next.WithGroup(g), lv: h.lv}
}

func (s *Server) listLoggers(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.loggers.all())
}

func (s *Server) getLogger(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("l")
	lvl, ok := s.loggers.get(name)
	if !ok {
		s.writeError(w, r, newAPIError(http.StatusNotFound, fmt.Sprintf("Logger %s not found.", name)))
		return
	}
	writeJSON(w, http.StatusOK, lvl)
}

func (s *Server) putLogger(w http.ResponseWriter, r *http.Request) {
	body, err := s.decodeFlatMap(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lvl := body["level"]
	if lvl == nil {
		s.writeError(w, r, newAPIError(http.StatusBadRequest, "Desired 'level' parameter was not specified in request."))
		return
	}
	level := strings.ToUpper(*lvl)
	if _, ok := levels[level]; !ok {
		s.writeError(w, r, newAPIError(http.StatusNotFound, fmt.Sprintf("invalid log level '%s'.", *lvl)))
		return
	}
	name := r.PathValue("l")
	changed := s.loggers.set(name, level)
	s.log.InfoContext(r.Context(), "log level changed", "logger", name, "level", level, "loggers", len(changed))
	if strings.EqualFold(r.URL.Query().Get("scope"), "cluster") {
		writeEmpty(w, http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, changed)
}
