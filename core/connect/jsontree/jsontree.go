package jsontree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Kind is the kind of a JSON value.
type Kind int

// The kinds of JSON values.
const (
	Null Kind = iota
	String
	Number
	Bool
	Object
	Array
)

// Value is one parsed JSON value.
type Value struct {
	Kind Kind
	// Text is a string's value, a number's literal, or "true" / "false".
	Text string
	// Members are an object's members, in the order written (never nil for an object).
	Members []Member
	// Elems are an array's elements (never nil for an array).
	Elems []Value
}

// Member is one key and value of an object.
type Member struct {
	Key   string
	Value Value
}

// ErrTooDeep is returned (wrapped) for a value that nests deeper than allowed.
var ErrTooDeep = errors.New("JSON nests too deep")

// Parse parses the first JSON value of data (what follows it is not read), nesting at most
// maxDepth objects and arrays.
func Parse(data []byte, maxDepth int) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return Read(dec, maxDepth)
}

// Read reads the next JSON value from dec, nesting at most maxDepth objects and arrays. The
// caller reads errors' offsets from dec.
func Read(dec *json.Decoder, maxDepth int) (Value, error) {
	return read(dec, 0, maxDepth)
}

func read(dec *json.Decoder, depth, maxDepth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return Value{}, err
	}
	switch t := tok.(type) {
	case nil:
		return Value{Kind: Null}, nil
	case string:
		return Value{Kind: String, Text: t}, nil
	case json.Number:
		return Value{Kind: Number, Text: t.String()}, nil
	case float64: // a decoder without UseNumber
		return Value{Kind: Number, Text: strconv.FormatFloat(t, 'g', -1, 64)}, nil
	case bool:
		return Value{Kind: Bool, Text: strconv.FormatBool(t)}, nil
	case json.Delim:
		switch t {
		case '{':
			v := Value{Kind: Object, Members: []Member{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return Value{}, err
				}
				key, _ := kt.(string)
				val, err := read(dec, depth+1, maxDepth)
				if err != nil {
					return Value{}, err
				}
				v.Members = append(v.Members, Member{Key: key, Value: val})
			}
			if _, err := dec.Token(); err != nil {
				return Value{}, err
			}
			return v, nil
		case '[':
			v := Value{Kind: Array, Elems: []Value{}}
			for dec.More() {
				val, err := read(dec, depth+1, maxDepth)
				if err != nil {
					return Value{}, err
				}
				v.Elems = append(v.Elems, val)
			}
			if _, err := dec.Token(); err != nil {
				return Value{}, err
			}
			return v, nil
		}
	}
	return Value{}, fmt.Errorf("unexpected JSON token %v", tok)
}

// Get returns the value of an object's member key (the first one so named), or nil when v is
// nil, not an object or has no such member.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := range v.Members {
		if v.Members[i].Key == key {
			return &v.Members[i].Value
		}
	}
	return nil
}

// Str returns the string value of member key, or "" when there is none or it is no string.
func (v *Value) Str(key string) string {
	if m := v.Get(key); m != nil && m.Kind == String {
		return m.Text
	}
	return ""
}

// Any returns v as encoding/json would decode it with UseNumber: map[string]any, []any,
// string, json.Number, bool or nil.
func (v Value) Any() any {
	switch v.Kind {
	case String:
		return v.Text
	case Number:
		return json.Number(v.Text)
	case Bool:
		return v.Text == "true"
	case Object:
		m := make(map[string]any, len(v.Members))
		for _, f := range v.Members {
			m[f.Key] = f.Value.Any()
		}
		return m
	case Array:
		a := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			a[i] = e.Any()
		}
		return a
	}
	return nil
}
