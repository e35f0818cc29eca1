package rest

import (
	"net/http"
	"strconv"

	"github.com/connectless/connectless/core/internal/herder"
)

// getArchive lists the archive of a sink connector that writes one (a connectless extension):
// GET /connectors/{c}/archive?topic=&partition= answers a JSON array of objects; 404 for a
// connector that writes no archive, 400 for a partition that is not a number.
func (s *Server) getArchive(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	partition := int32(-1)
	if p := q.Get("partition"); p != "" {
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil || n < 0 {
			s.writeError(w, r, &herder.Error{Kind: herder.ErrBadRequest, Message: "partition must be a partition number, got " + strconv.Quote(p)})
			return
		}
		partition = int32(n)
	}
	objs, err := s.h.Archive(r.Context(), r.PathValue("c"), q.Get("topic"), partition)
	s.reply(w, r, http.StatusOK, objs, err)
}
