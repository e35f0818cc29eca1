package javacompat

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/connectless/connectless/core/connect"
)

// Object is a JSON object that keeps its members in the order they were added, as Jackson's
// ObjectNode (a LinkedHashMap) does, so schema texts built member by member read as Kafka's or
// Confluent's code writes them. Values are marshalled with encoding/json.
type Object []Member

// Member is one key and value of an Object.
type Member struct {
	Key string
	Val any
}

// Add appends the member k: v.
func (o *Object) Add(k string, v any) { *o = append(*o, Member{k, v}) }

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.Key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.Val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// SortedObject returns the members of m as an Object in sorted key order, so a Go map (whose
// order is random) writes the same text every time.
func SortedObject[V any](m map[string]V) Object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	o := make(Object, 0, len(keys))
	for _, k := range keys {
		o.Add(k, m[k])
	}
	return o
}

// ParamsObject returns the parameters of s as an Object in the order they were set
// (connect.Schema.ParamKeys), as Kafka's and Confluent's code writes a schema's parameters.
func ParamsObject(s *connect.Schema) Object {
	o := make(Object, 0, len(s.Parameters))
	for _, k := range s.ParamKeys() {
		o.Add(k, s.Parameters[k])
	}
	return o
}
