package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/connectless/connectless/core/internal/herder"
)

// serverInfo is Kafka's ServerInfo.
type serverInfo struct {
	Version        string  `json:"version"`
	Commit         string  `json:"commit"`
	KafkaClusterID *string `json:"kafka_cluster_id"`
}

func (s *Server) serverInfo(w http.ResponseWriter, r *http.Request) {
	info := serverInfo{Version: s.opts.Version, Commit: s.opts.Commit}
	if s.opts.KafkaClusterID != "" {
		id := s.opts.KafkaClusterID
		info.KafkaClusterID = &id
	}
	writeJSON(w, http.StatusOK, info)
}

// workerStatus is Kafka's WorkerStatus (GET /health).
type workerStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	h := Health{State: "healthy"}
	if s.opts.Health != nil {
		h = s.opts.Health(r.Context())
	}
	var st workerStatus
	status := http.StatusOK
	switch h.State {
	case "starting":
		status, st = http.StatusServiceUnavailable, workerStatus{"starting", "Worker is still starting up."}
	case "unhealthy":
		status, st = http.StatusInternalServerError, workerStatus{"unhealthy", "Worker was unable to handle this request and may be unable to handle other requests."}
	default:
		st = workerStatus{"healthy", "Worker has completed startup and is ready to handle requests."}
	}
	if h.Detail != "" && h.State != "healthy" && h.State != "" {
		st.Message += " " + h.Detail
	}
	writeJSON(w, status, st)
}

func (s *Server) listConnectors(w http.ResponseWriter, r *http.Request) {
	names, err := s.h.Connectors(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	expands, ok := r.URL.Query()["expand"]
	if !ok {
		writeJSON(w, http.StatusOK, names)
		return
	}
	// An ordered map: connector -> {expansion: value}, expansions in request order.
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
connectors:
	for _, name := range names {
		var entry bytes.Buffer
		entry.WriteByte('{')
		seen := map[string]bool{}
		for _, e := range expands {
			if seen[e] {
				continue
			}
			var v any
			switch e {
			case "status":
				st, err := s.h.ConnectorStatus(r.Context(), name)
				if errors.Is(err, herder.ErrNotFound) {
					continue connectors
				}
				if err != nil {
					s.writeError(w, r, err)
					return
				}
				v = st
			case "info":
				info, err := s.h.ConnectorInfo(r.Context(), name)
				if err == nil {
					v = info
				} else if !errors.Is(err, herder.ErrNotFound) {
					s.writeError(w, r, err)
					return
				}
			case "schedule":
				// A connectless extension: when the connector's tasks run.
				sc, err := s.h.ConnectorSchedule(r.Context(), name)
				if errors.Is(err, herder.ErrNotFound) {
					continue connectors
				}
				if err != nil {
					s.writeError(w, r, err)
					return
				}
				v = sc
			default:
				continue
			}
			seen[e] = true
			if entry.Len() > 1 {
				entry.WriteByte(',')
			}
			writeKeyValue(&entry, e, v)
		}
		entry.WriteByte('}')
		if !first {
			buf.WriteByte(',')
		}
		first = false
		writeKeyValue(&buf, name, json.RawMessage(entry.Bytes()))
	}
	buf.WriteByte('}')
	writeRawJSON(w, http.StatusOK, buf.Bytes())
}

func writeKeyValue(b *bytes.Buffer, key string, v any) {
	k, _ := marshal(key)
	val, err := marshal(v)
	if err != nil {
		val = []byte("null")
	}
	b.Write(k)
	b.WriteByte(':')
	b.Write(val)
}

func (s *Server) createConnector(w http.ResponseWriter, r *http.Request) {
	req, err := s.decodeCreate(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	initial := herder.TargetRunning
	if req.hasInit {
		initial = herder.TargetState(req.initial)
	}
	info, err := s.h.CreateConnector(r.Context(), req.name, req.config, initial)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", location(r, info.Name))
	writeJSON(w, http.StatusCreated, info)
}

// location is the absolute URL of a connector, as Jersey builds it.
func location(r *http.Request, name string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/connectors/" + url.PathEscape(name)
}

func (s *Server) getConnector(w http.ResponseWriter, r *http.Request) {
	info, err := s.h.ConnectorInfo(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, info, err)
}

func (s *Server) deleteConnector(w http.ResponseWriter, r *http.Request) {
	s.replyEmpty(w, r, http.StatusNoContent, s.h.DeleteConnector(r.Context(), r.PathValue("c")))
}

func (s *Server) getConfig(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.h.ConnectorConfig(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, cfg, err)
}

func (s *Server) putConfig(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.decodeFlatMap(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	name := r.PathValue("c")
	info, created, err := s.h.PutConnectorConfig(r.Context(), name, cfg)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if created {
		w.Header().Set("Location", location(r, name))
		writeJSON(w, http.StatusCreated, info)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) patchConfig(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.decodeFlatMap(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	info, err := s.h.PatchConnectorConfig(r.Context(), r.PathValue("c"), cfg)
	s.reply(w, r, http.StatusOK, info, err)
}

func (s *Server) getStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.h.ConnectorStatus(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, st, err)
}

func (s *Server) restartConnector(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	plan, err := s.h.RestartConnector(r.Context(), r.PathValue("c"), javaBool(q.Get("includeTasks")), javaBool(q.Get("onlyFailed")))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if plan == nil {
		writeEmpty(w, http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusAccepted, plan)
}

func (s *Server) pauseConnector(w http.ResponseWriter, r *http.Request) {
	s.replyEmpty(w, r, http.StatusAccepted, s.h.PauseConnector(r.Context(), r.PathValue("c")))
}

func (s *Server) resumeConnector(w http.ResponseWriter, r *http.Request) {
	s.replyEmpty(w, r, http.StatusAccepted, s.h.ResumeConnector(r.Context(), r.PathValue("c")))
}

func (s *Server) stopConnector(w http.ResponseWriter, r *http.Request) {
	s.replyEmpty(w, r, http.StatusNoContent, s.h.StopConnector(r.Context(), r.PathValue("c")))
}

func (s *Server) getTasks(w http.ResponseWriter, r *http.Request) {
	tasks, err := s.h.Tasks(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, tasks, err)
}

func (s *Server) getTasksConfig(w http.ResponseWriter, r *http.Request) {
	tasks, err := s.h.TasksConfig(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, tasks, err)
}

// taskID parses the {t} path parameter as Java's Integer; anything else is a routing 404.
func taskID(r *http.Request) (int, bool) {
	n, err := strconv.ParseInt(r.PathValue("t"), 10, 32)
	return int(n), err == nil
}

func (s *Server) getTaskStatus(w http.ResponseWriter, r *http.Request) {
	t, ok := taskID(r)
	if !ok {
		s.writeError(w, r, errNotFound())
		return
	}
	st, err := s.h.TaskStatus(r.Context(), r.PathValue("c"), t)
	s.reply(w, r, http.StatusOK, st, err)
}

func (s *Server) restartTask(w http.ResponseWriter, r *http.Request) {
	t, ok := taskID(r)
	if !ok {
		s.writeError(w, r, errNotFound())
		return
	}
	s.replyEmpty(w, r, http.StatusNoContent, s.h.RestartTask(r.Context(), r.PathValue("c"), t))
}

func (s *Server) getTopics(w http.ResponseWriter, r *http.Request) {
	topics, err := s.h.ActiveTopics(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, topics, err)
}

func (s *Server) resetTopics(w http.ResponseWriter, r *http.Request) {
	s.replyEmpty(w, r, http.StatusAccepted, s.h.ResetActiveTopics(r.Context(), r.PathValue("c")))
}

func (s *Server) getOffsets(w http.ResponseWriter, r *http.Request) {
	offs, err := s.h.Offsets(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, offs, err)
}

func (s *Server) alterOffsets(w http.ResponseWriter, r *http.Request) {
	offs, err := s.decodeOffsets(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	msg, err := s.h.AlterOffsets(r.Context(), r.PathValue("c"), offs)
	s.reply(w, r, http.StatusOK, msg, err)
}

func (s *Server) resetOffsets(w http.ResponseWriter, r *http.Request) {
	msg, err := s.h.ResetOffsets(r.Context(), r.PathValue("c"))
	s.reply(w, r, http.StatusOK, msg, err)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func (s *Server) replyEmpty(w http.ResponseWriter, r *http.Request, status int, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeEmpty(w, status)
}
