package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect/jsontree"
	"github.com/connectless/connectless/core/internal/herder"
)

// Java types named in Jackson-like messages.
const (
	javaStringType  = "`java.lang.String`"
	javaMapType     = "`java.util.LinkedHashMap<java.lang.String,java.lang.String>`"
	javaObjMapType  = "`java.util.LinkedHashMap<java.lang.String,java.lang.Object>`"
	javaListType    = "`java.util.ArrayList<org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset>`"
	entitiesPackage = "org.apache.kafka.connect.runtime.rest.entities."
)

// kindToken and kindName name a JSON value's kind as Jackson's tokens and messages do.
func kindToken(k jsontree.Kind) string {
	return [...]string{"VALUE_NULL", "VALUE_STRING", "VALUE_NUMBER_INT", "VALUE_TRUE", "START_OBJECT", "START_ARRAY"}[k]
}

func kindName(k jsontree.Kind) string {
	return [...]string{"Null", "String", "Integer", "Boolean", "Object", "Array"}[k]
}

// readBody reads the request body within the server's limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, newAPIError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body exceeds the limit of %d bytes", mbe.Limit))
		}
		return nil, newAPIError(http.StatusBadRequest, "Could not read the request body")
	}
	return body, nil
}

// readEntity reads and parses a request body that must hold a JSON value: an empty or null
// body is Kafka's NPE (500, null), as Jackson hands the resource a null entity.
func (s *Server) readEntity(w http.ResponseWriter, r *http.Request) (*jsontree.Value, error) {
	body, err := s.readBody(w, r)
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(body)
	if err != nil {
		return nil, err
	}
	if v == nil || v.Kind == jsontree.Null {
		return nil, nullError()
	}
	return v, nil
}

// parseJSON decodes the first JSON value of body (trailing content is ignored, as Jackson's
// default). An empty body is (nil, nil): Jackson hands the resource a null entity.
func parseJSON(body []byte) (*jsontree.Value, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	// A first pass finds syntax errors with their exact offset; the token pass builds the tree.
	var raw json.RawMessage
	check := json.NewDecoder(bytes.NewReader(body))
	if err := check.Decode(&raw); err != nil {
		return nil, syntaxError(body, check, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := jsontree.Read(dec, maxDepth)
	if err != nil {
		return nil, syntaxError(raw, dec, err)
	}
	return &v, nil
}

// maxDepth is Jackson's default nesting limit.
const maxDepth = 200

// syntaxError words a parse failure as Jackson's JsonParseException (a 500 in Kafka).
func syntaxError(body []byte, dec *json.Decoder, err error) error {
	if errors.Is(err, jsontree.ErrTooDeep) {
		return newAPIError(http.StatusInternalServerError, fmt.Sprintf("Document nesting depth exceeds the maximum allowed (%d)", maxDepth))
	}
	off := int(dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset) - 1
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || off >= len(body) || off < 0 {
		line, col := position(body, len(body))
		return newAPIError(http.StatusInternalServerError, fmt.Sprintf(
			"Unexpected end-of-input: expected close marker or value\n at [Source: (org.glassfish.jersey.message.internal.ReaderInterceptorExecutor$UnCloseableInputStream); line: %d, column: %d]", line, col))
	}
	r, _ := utf8.DecodeRune(body[off:])
	line, col := position(body, off)
	ch := string(r)
	if r < 0x20 {
		ch = fmt.Sprintf("CTRL-CHAR, code %d", r)
	}
	return newAPIError(http.StatusInternalServerError, fmt.Sprintf(
		"Unexpected character ('%s' (code %d)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (org.glassfish.jersey.message.internal.ReaderInterceptorExecutor$UnCloseableInputStream); line: %d, column: %d]",
		ch, r, line, col+1))
}

func position(body []byte, off int) (line, col int) {
	line = 1
	start := 0
	for i := 0; i < off && i < len(body); i++ {
		if body[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start
}

// mismatch is Jackson's MismatchedInputException.
func mismatch(target string, v jsontree.Value, chain string) error {
	msg := fmt.Sprintf("Cannot deserialize value of type %s from %s value (token `JsonToken.%s`)", target, kindName(v.Kind), kindToken(v.Kind))
	if chain != "" {
		msg += " (through reference chain: " + chain + ")"
	}
	return newAPIError(http.StatusInternalServerError, msg)
}

// unrecognized is Jackson's UnrecognizedPropertyException.
func unrecognized(field, class string, known []string) error {
	quoted := make([]string, len(known))
	for i, k := range known {
		quoted[i] = `"` + k + `"`
	}
	return newAPIError(http.StatusInternalServerError, fmt.Sprintf(
		"Unrecognized field \"%s\" (class %s%s), not marked as ignorable (%d known properties: %s]) (through reference chain: %s%s[\"%s\"])",
		field, entitiesPackage, class, len(known), strings.Join(quoted, ", "), entitiesPackage, class, field))
}

// flatMap converts a JSON object to a Map<String,String> as Jackson does: numbers and
// booleans become their text, null stays null, nested values are an error.
func flatMap(v jsontree.Value, chain string) (herder.RawConfig, error) {
	if v.Kind != jsontree.Object {
		return nil, mismatch(javaMapType, v, chain)
	}
	out := make(herder.RawConfig, len(v.Members))
	for _, f := range v.Members {
		switch f.Value.Kind {
		case jsontree.Null:
			out[f.Key] = nil
		case jsontree.Object, jsontree.Array:
			return nil, mismatch(javaStringType, f.Value, fmt.Sprintf("java.util.LinkedHashMap[\"%s\"]", f.Key))
		default:
			s := f.Value.Text
			out[f.Key] = &s
		}
	}
	return out, nil
}

// decodeFlatMap decodes a flat config body; an empty or null body is Kafka's NPE (500, null).
func (s *Server) decodeFlatMap(w http.ResponseWriter, r *http.Request) (herder.RawConfig, error) {
	v, err := s.readEntity(w, r)
	if err != nil {
		return nil, err
	}
	return flatMap(*v, "")
}

// createRequest is Kafka's CreateConnectorRequest.
type createRequest struct {
	name    string
	config  herder.RawConfig
	initial string
	hasInit bool
}

var createFields = []string{"name", "config", "initial_state"}

func (s *Server) decodeCreate(w http.ResponseWriter, r *http.Request) (createRequest, error) {
	var req createRequest
	v, err := s.readEntity(w, r)
	if err != nil {
		return req, err
	}
	const class = "CreateConnectorRequest"
	if v.Kind != jsontree.Object {
		return req, mismatch("`"+entitiesPackage+class+"`", *v, "")
	}
	for _, f := range v.Members {
		chain := entitiesPackage + class + `["` + f.Key + `"]`
		switch f.Key {
		case "name":
			switch f.Value.Kind {
			case jsontree.Object, jsontree.Array:
				return req, mismatch(javaStringType, f.Value, chain)
			case jsontree.Null:
				req.name = ""
			default:
				req.name = f.Value.Text
			}
		case "config":
			if f.Value.Kind == jsontree.Null {
				req.config = nil
				continue
			}
			m, err := flatMap(f.Value, chain)
			if err != nil {
				return req, err
			}
			req.config = m
		case "initial_state":
			switch f.Value.Kind {
			case jsontree.Object, jsontree.Array:
				return req, mismatch("`"+entitiesPackage+class+"$InitialState`", f.Value, chain)
			case jsontree.Null:
				req.hasInit = false
			default:
				state := strings.ToUpper(f.Value.Text)
				switch state {
				case "RUNNING", "PAUSED", "STOPPED":
					req.initial, req.hasInit = state, true
				default:
					return req, newAPIError(http.StatusInternalServerError, fmt.Sprintf(
						"Cannot construct instance of `%s%s$InitialState`, problem: No enum constant %s%s.InitialState.%s (through reference chain: %s)",
						entitiesPackage, class, entitiesPackage, class, state, chain))
				}
			}
		default:
			return req, unrecognized(f.Key, class, createFields)
		}
	}
	if req.config == nil {
		return req, nullError()
	}
	req.name = strings.TrimSpace(req.name)
	return req, nil
}

// decodeOffsets decodes Kafka's ConnectorOffsets body.
func (s *Server) decodeOffsets(w http.ResponseWriter, r *http.Request) ([]herder.ConnectorOffset, error) {
	v, err := s.readEntity(w, r)
	if err != nil {
		return nil, err
	}
	if v.Kind != jsontree.Object {
		return nil, mismatch("`"+entitiesPackage+"ConnectorOffsets`", *v, "")
	}
	var out []herder.ConnectorOffset
	for _, f := range v.Members {
		if f.Key != "offsets" {
			return nil, unrecognized(f.Key, "ConnectorOffsets", []string{"offsets"})
		}
		chain := entitiesPackage + `ConnectorOffsets["offsets"]`
		switch f.Value.Kind {
		case jsontree.Null:
			out = nil
			continue
		case jsontree.Array:
		default:
			return nil, mismatch(javaListType, f.Value, chain)
		}
		out = make([]herder.ConnectorOffset, 0, len(f.Value.Elems))
		for i, e := range f.Value.Elems {
			echain := fmt.Sprintf("%s->java.util.ArrayList[%d]", chain, i)
			if e.Kind == jsontree.Null {
				return nil, nullError()
			}
			if e.Kind != jsontree.Object {
				return nil, mismatch("`"+entitiesPackage+"ConnectorOffset`", e, echain)
			}
			var co herder.ConnectorOffset
			for _, ef := range e.Members {
				fchain := echain + "->" + entitiesPackage + `ConnectorOffset["` + ef.Key + `"]`
				var m map[string]any
				switch ef.Value.Kind {
				case jsontree.Null:
				case jsontree.Object:
					m = ef.Value.Any().(map[string]any)
				default:
					return nil, mismatch(javaObjMapType, ef.Value, fchain)
				}
				switch ef.Key {
				case "partition":
					if m != nil {
						co.Partition = m
					}
				case "offset":
					if m != nil {
						co.Offset = m
					}
				default:
					return nil, unrecognized(ef.Key, "ConnectorOffset", []string{"partition", "offset"})
				}
			}
			out = append(out, co)
		}
	}
	return out, nil
}
