package console

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"go.yaml.in/yaml/v3"

	"github.com/connectless/connectless/core/connfile"
	"github.com/connectless/connectless/core/restapi"
)

// maxConvert bounds a configuration the raw editors convert.
const maxConvert = 1 << 20

// convert serves POST /ui/convert for the raw YAML editor: ?to=yaml turns a JSON object of
// configuration keys into YAML; ?to=json reads YAML as `connectless apply` does (a flat map of
// keys with "name", or {name, config}: numbers and booleans become strings, nested values are
// refused) and answers {"name", "config"}. It changes nothing, so it is served here rather than
// by the REST API, and the console can convert in front of any Connect REST endpoint.
func convert(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxConvert))
	if err != nil {
		convertError(w, "read the configuration: "+err.Error())
		return
	}
	switch r.URL.Query().Get("to") {
	case "yaml":
		var cfg map[string]string
		if err := json.Unmarshal(data, &cfg); err != nil {
			convertError(w, "the configuration must be a JSON object of string values: "+err.Error())
			return
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			convertError(w, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		_, _ = w.Write(out)
	case "json":
		cs, err := connfile.Parse("config.yaml", data)
		if err == nil && len(cs) != 1 {
			err = errors.New("the YAML must hold exactly one connector")
		}
		if err != nil {
			convertError(w, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"name": cs[0].Name, "config": cs[0].Config})
	default:
		convertError(w, "to must be yaml or json")
	}
}

// convertError answers 400 with Kafka Connect's error body.
func convertError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, restapi.ErrorMessage{ErrorCode: http.StatusBadRequest, Message: &msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
