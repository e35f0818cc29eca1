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

	"github.com/connectless/connectless/core/herder"
)

// Java types named in Jackson-like messages.
const (
	javaStringType  = "`java.lang.String`"
	javaMapType     = "`java.util.LinkedHashMap<java.lang.String,java.lang.String>`"
	javaObjMapType  = "`java.util.LinkedHashMap<java.lang.String,java.lang.Object>`"
	javaListType    = "`java.util.ArrayList<org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset>`"
	entitiesPackage = "org.apache.kafka.connect.runtime.rest.entities."
)

// jkind is a JSON value's kind, named as Jackson's tokens.
type jkind int

const (
	jNull jkind = iota
	jString
	jNumber
	jBool
	jObject
	jArray
)

func (k jkind) token() string {
	return [...]string{"VALUE_NULL", "VALUE_STRING", "VALUE_NUMBER_INT", "VALUE_TRUE", "START_OBJECT", "START_ARRAY"}[k]
}

func (k jkind) name() string {
	return [...]string{"Null", "String", "Integer", "Boolean", "Object", "Array"}[k]
}

// jvalue is a decoded JSON value that keeps object key order and number literals.
type jvalue struct {
	kind jkind
	str  string // string value, number literal, or "true"/"false"
	obj  []jfield
	arr  []jvalue
}

type jfield struct {
	key string
	val jvalue
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
func (s *Server) readEntity(w http.ResponseWriter, r *http.Request) (*jvalue, error) {
	body, err := s.readBody(w, r)
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(body)
	if err != nil {
		return nil, err
	}
	if v == nil || v.kind == jNull {
		return nil, nullError()
	}
	return v, nil
}

// parseJSON decodes the first JSON value of body (trailing content is ignored, as Jackson's
// default). An empty body is (nil, nil): Jackson hands the resource a null entity.
func parseJSON(body []byte) (*jvalue, error) {
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
	v, err := readValue(dec, 0)
	if err != nil {
		return nil, syntaxError(raw, dec, err)
	}
	return &v, nil
}

const maxDepth = 200

var errTooDeep = errors.New("too deep")

func readValue(dec *json.Decoder, depth int) (jvalue, error) {
	if depth > maxDepth {
		return jvalue{}, errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return jvalue{}, err
	}
	switch t := tok.(type) {
	case nil:
		return jvalue{kind: jNull}, nil
	case string:
		return jvalue{kind: jString, str: t}, nil
	case json.Number:
		return jvalue{kind: jNumber, str: t.String()}, nil
	case bool:
		return jvalue{kind: jBool, str: fmt.Sprint(t)}, nil
	case json.Delim:
		switch t {
		case '{':
			v := jvalue{kind: jObject, obj: []jfield{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return jvalue{}, err
				}
				key, _ := kt.(string)
				val, err := readValue(dec, depth+1)
				if err != nil {
					return jvalue{}, err
				}
				v.obj = append(v.obj, jfield{key: key, val: val})
			}
			if _, err := dec.Token(); err != nil {
				return jvalue{}, err
			}
			return v, nil
		case '[':
			v := jvalue{kind: jArray, arr: []jvalue{}}
			for dec.More() {
				val, err := readValue(dec, depth+1)
				if err != nil {
					return jvalue{}, err
				}
				v.arr = append(v.arr, val)
			}
			if _, err := dec.Token(); err != nil {
				return jvalue{}, err
			}
			return v, nil
		}
	}
	return jvalue{}, fmt.Errorf("unexpected token %v", tok)
}

// syntaxError words a parse failure as Jackson's JsonParseException (a 500 in Kafka).
func syntaxError(body []byte, dec *json.Decoder, err error) error {
	if errors.Is(err, errTooDeep) {
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
func mismatch(target string, v jvalue, chain string) error {
	msg := fmt.Sprintf("Cannot deserialize value of type %s from %s value (token `JsonToken.%s`)", target, v.kind.name(), v.kind.token())
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
func flatMap(v jvalue, chain string) (herder.RawConfig, error) {
	if v.kind != jObject {
		return nil, mismatch(javaMapType, v, chain)
	}
	out := make(herder.RawConfig, len(v.obj))
	for _, f := range v.obj {
		switch f.val.kind {
		case jNull:
			out[f.key] = nil
		case jObject, jArray:
			return nil, mismatch(javaStringType, f.val, fmt.Sprintf("java.util.LinkedHashMap[\"%s\"]", f.key))
		default:
			s := f.val.str
			out[f.key] = &s
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
	if v.kind != jObject {
		return req, mismatch("`"+entitiesPackage+class+"`", *v, "")
	}
	for _, f := range v.obj {
		chain := entitiesPackage + class + `["` + f.key + `"]`
		switch f.key {
		case "name":
			switch f.val.kind {
			case jObject, jArray:
				return req, mismatch(javaStringType, f.val, chain)
			case jNull:
				req.name = ""
			default:
				req.name = f.val.str
			}
		case "config":
			if f.val.kind == jNull {
				req.config = nil
				continue
			}
			m, err := flatMap(f.val, chain)
			if err != nil {
				return req, err
			}
			req.config = m
		case "initial_state":
			switch f.val.kind {
			case jObject, jArray:
				return req, mismatch("`"+entitiesPackage+class+"$InitialState`", f.val, chain)
			case jNull:
				req.hasInit = false
			default:
				state := strings.ToUpper(f.val.str)
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
			return req, unrecognized(f.key, class, createFields)
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
	if v.kind != jObject {
		return nil, mismatch("`"+entitiesPackage+"ConnectorOffsets`", *v, "")
	}
	var out []herder.ConnectorOffset
	for _, f := range v.obj {
		if f.key != "offsets" {
			return nil, unrecognized(f.key, "ConnectorOffsets", []string{"offsets"})
		}
		chain := entitiesPackage + `ConnectorOffsets["offsets"]`
		switch f.val.kind {
		case jNull:
			out = nil
			continue
		case jArray:
		default:
			return nil, mismatch(javaListType, f.val, chain)
		}
		out = make([]herder.ConnectorOffset, 0, len(f.val.arr))
		for i, e := range f.val.arr {
			echain := fmt.Sprintf("%s->java.util.ArrayList[%d]", chain, i)
			if e.kind == jNull {
				return nil, nullError()
			}
			if e.kind != jObject {
				return nil, mismatch("`"+entitiesPackage+"ConnectorOffset`", e, echain)
			}
			var co herder.ConnectorOffset
			for _, ef := range e.obj {
				fchain := echain + "->" + entitiesPackage + `ConnectorOffset["` + ef.key + `"]`
				var m map[string]any
				switch ef.val.kind {
				case jNull:
				case jObject:
					m = toAny(ef.val).(map[string]any)
				default:
					return nil, mismatch(javaObjMapType, ef.val, fchain)
				}
				switch ef.key {
				case "partition":
					if m != nil {
						co.Partition = m
					}
				case "offset":
					if m != nil {
						co.Offset = m
					}
				default:
					return nil, unrecognized(ef.key, "ConnectorOffset", []string{"partition", "offset"})
				}
			}
			out = append(out, co)
		}
	}
	return out, nil
}

// toAny converts to plain Go values; numbers stay json.Number.
func toAny(v jvalue) any {
	switch v.kind {
	case jString:
		return v.str
	case jNumber:
		return json.Number(v.str)
	case jBool:
		return v.str == "true"
	case jObject:
		m := make(map[string]any, len(v.obj))
		for _, f := range v.obj {
			m[f.key] = toAny(f.val)
		}
		return m
	case jArray:
		a := make([]any, len(v.arr))
		for i, e := range v.arr {
			a[i] = toAny(e)
		}
		return a
	}
	return nil
}
