package rest

import (
	"cmp"
	"context"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/connectless/connectless/core/internal/herder"
	"github.com/connectless/connectless/core/restapi"
)

// DefaultMaxBodyBytes is the default request body limit: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// DefaultRequestTimeout is Kafka Connect's REST request timeout.
const DefaultRequestTimeout = 90 * time.Second

// Health is the worker's readiness, as GET /health reports it.
type Health struct {
	// State is "healthy", "starting" or "unhealthy".
	State string
	// Detail is appended to the standard message when not empty.
	Detail string
}

// Options configure a Server.
type Options struct {
	// Version and Commit are shown by GET / (Kafka's AppInfoParser values). Default
	// BuildInfo().
	Version string
	Commit  string
	// KafkaClusterID is shown by GET / as kafka_cluster_id; empty gives null.
	KafkaClusterID string
	// Health reports readiness for GET /health; nil always reports healthy.
	Health func(ctx context.Context) Health
	// Loggers backs /admin/loggers; nil serves a fresh Loggers with root at INFO.
	Loggers *Loggers
	// AdminDisabled mirrors admin.listeners="" : /admin/* answers 404. Default false.
	AdminDisabled bool
	// MaxBodyBytes limits request bodies; larger ones get 413. Default 1 MiB.
	MaxBodyBytes int64
	// RequestTimeout bounds the work of one request; when it expires the answer is 500
	// "Request timed out". Default 90s, Kafka Connect's DEFAULT_REST_REQUEST_TIMEOUT_MS.
	RequestTimeout time.Duration
	// Logger receives request failures (never request bodies). Default slog.Default().
	Logger *slog.Logger
}

// Server is the REST API handler.
type Server struct {
	h       *herder.Herder
	opts    Options
	log     *slog.Logger
	loggers *Loggers
	maxBody int64
	mux     *http.ServeMux
}

// New returns the REST API handler over a herder.
func New(h *herder.Herder, opts Options) *Server {
	s := &Server{h: h, opts: opts, log: opts.Logger, loggers: opts.Loggers, maxBody: opts.MaxBodyBytes, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.loggers == nil {
		s.loggers = NewLoggers(nil)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.opts.RequestTimeout <= 0 {
		s.opts.RequestTimeout = DefaultRequestTimeout
	}
	if s.opts.Version == "" || s.opts.Commit == "" {
		v, c := BuildInfo()
		s.opts.Version, s.opts.Commit = cmp.Or(s.opts.Version, v), cmp.Or(s.opts.Commit, c)
	}
	s.routes()
	return s
}

// routes registers every endpoint. Patterns have no trailing slash: ServeHTTP strips one.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.serverInfo)
	m.HandleFunc("GET /health", s.health)

	m.HandleFunc("GET /connectors", s.listConnectors)
	m.HandleFunc("POST /connectors", s.jsonBody(s.createConnector))
	m.HandleFunc("GET /connectors/{c}", s.getConnector)
	m.HandleFunc("DELETE /connectors/{c}", s.deleteConnector)
	m.HandleFunc("GET /connectors/{c}/config", s.getConfig)
	m.HandleFunc("PUT /connectors/{c}/config", s.jsonBody(s.putConfig))
	m.HandleFunc("PATCH /connectors/{c}/config", s.jsonBody(s.patchConfig))
	m.HandleFunc("GET /connectors/{c}/status", s.getStatus)
	m.HandleFunc("POST /connectors/{c}/restart", s.restartConnector)
	m.HandleFunc("PUT /connectors/{c}/pause", s.pauseConnector)
	m.HandleFunc("PUT /connectors/{c}/resume", s.resumeConnector)
	m.HandleFunc("PUT /connectors/{c}/stop", s.stopConnector)
	m.HandleFunc("GET /connectors/{c}/tasks", s.getTasks)
	m.HandleFunc("GET /connectors/{c}/tasks-config", s.getTasksConfig)
	m.HandleFunc("GET /connectors/{c}/tasks/{t}/status", s.getTaskStatus)
	m.HandleFunc("POST /connectors/{c}/tasks/{t}/restart", s.restartTask)
	m.HandleFunc("GET /connectors/{c}/topics", s.getTopics)
	m.HandleFunc("PUT /connectors/{c}/topics/reset", s.resetTopics)
	m.HandleFunc("GET /connectors/{c}/offsets", s.getOffsets)
	m.HandleFunc("PATCH /connectors/{c}/offsets", s.jsonBody(s.alterOffsets))
	m.HandleFunc("DELETE /connectors/{c}/offsets", s.resetOffsets)
	m.HandleFunc("GET /connectors/{c}/archive", s.getArchive)

	m.HandleFunc("GET /connector-plugins", s.listPlugins)
	m.HandleFunc("GET /connector-plugins/{p}/config", s.pluginConfig)
	m.HandleFunc("PUT /connector-plugins/{p}/config/validate", s.jsonBody(s.validate))

	m.HandleFunc("GET /admin/loggers", s.admin(s.listLoggers))
	m.HandleFunc("GET /admin/loggers/{l}", s.admin(s.getLogger))
	m.HandleFunc("PUT /admin/loggers/{l}", s.admin(s.jsonBody(s.putLogger)))
}

// ServeHTTP routes a request: one trailing slash is ignored, unknown paths and methods get
// Kafka's 404 and 405 bodies, and a panic becomes a 500 without taking the server down.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			writeJSON(w, http.StatusInternalServerError, restapi.ErrorMessage{ErrorCode: http.StatusInternalServerError})
		}
	}()
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		u := *r.URL
		u.Path = strings.TrimSuffix(p, "/")
		if u.RawPath != "" {
			u.RawPath = strings.TrimSuffix(u.RawPath, "/")
		}
		r2 := *r
		r2.URL = &u
		r = &r2
	}
	h, pattern := s.mux.Handler(r)
	if pattern == "" {
		rec := &statusOnly{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			allow := rec.header.Get("Allow")
			if allow != "" {
				w.Header().Set("Allow", allow)
			}
			if r.Method == http.MethodOptions && allow != "" {
				// Jersey answers OPTIONS on every resource with the allowed methods.
				w.Header().Set("Allow", allow+", OPTIONS")
				writeEmpty(w, http.StatusOK)
				return
			}
			s.writeError(w, r, errMethodNotAllowed())
			return
		}
		s.writeError(w, r, errNotFound())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
	defer cancel()
	s.mux.ServeHTTP(w, r.WithContext(ctx))
}

// statusOnly captures the status the mux's own 404/405 handlers choose.
type statusOnly struct {
	header http.Header
	status int
}

func (s *statusOnly) Header() http.Header         { return s.header }
func (s *statusOnly) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusOnly) WriteHeader(code int)        { s.status = code }

// jsonBody refuses a non-JSON Content-Type with 415, as Jersey does for @Consumes(JSON).
func (s *Server) jsonBody(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || !strings.EqualFold(mt, "application/json") {
				s.writeError(w, r, errUnsupportedMedia())
				return
			}
		}
		next(w, r)
	}
}

// admin hides /admin/* when admin endpoints are disabled.
func (s *Server) admin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.opts.AdminDisabled {
			s.writeError(w, r, errNotFound())
			return
		}
		next(w, r)
	}
}

// javaBool parses a query boolean as Java's Boolean.parseBoolean: "true" in any case.
func javaBool(v string) bool { return strings.EqualFold(v, "true") }
