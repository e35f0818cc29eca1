package avrodata

import (
	"bytes"
	"encoding/json"
)

// object is a JSON object that keeps its keys in the order they were added, so schema texts
// are stable and read as Confluent writes them.
type object []member

type member struct {
	key string
	val any
}

func (o *object) add(k string, v any) { *o = append(*o, member{k, v}) }

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
