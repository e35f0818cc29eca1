package rest

import (
	"net/http"
)

func (s *Server) listPlugins(w http.ResponseWriter, r *http.Request) {
	connectorsOnly := true
	if v, ok := r.URL.Query()["connectorsOnly"]; ok && len(v) > 0 {
		connectorsOnly = javaBool(v[0])
	}
	writeJSON(w, http.StatusOK, s.h.Plugins(connectorsOnly))
}

func (s *Server) pluginConfig(w http.ResponseWriter, r *http.Request) {
	keys, err := s.h.PluginConfig(r.Context(), r.PathValue("p"))
	s.reply(w, r, http.StatusOK, keys, err)
}

func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.decodeFlatMap(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	infos, err := s.h.ValidateConfig(r.Context(), r.PathValue("p"), cfg)
	s.reply(w, r, http.StatusOK, infos, err)
}
