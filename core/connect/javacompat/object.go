package javacompat

import (
	"bytes"
	"encoding/json"
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
