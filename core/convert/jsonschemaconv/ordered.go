package jsonschemaconv

import (
	"encoding/json"
	"fmt"
	"strings"
)

// node is a parsed JSON value whose objects keep their key order (properties are fields in
// order).
type node struct {
	obj  []member // object, in order
	arr  []*node
	val  any // string, json.Number, bool, nil for a scalar
	kind byte
}

type member struct {
	key string
	val *node
}

const (
	kindObject = 'o'
	kindArray  = 'a'
	kindScalar = 's'
)

func parseOrdered(text string) (*node, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	n, err := parseNode(dec)
	if err != nil {
		return nil, fmt.Errorf("parse JSON schema: %w", err)
	}
	return n, nil
}

func parseNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: kindObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.obj = append(n.obj, member{kt.(string), v})
			}
			_, err := dec.Token()
			return n, err
		case '[':
			n := &node{kind: kindArray}
			for dec.More() {
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
			_, err := dec.Token()
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return &node{kind: kindScalar, val: tok}, nil
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for _, m := range n.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

func (n *node) str(key string) string {
	v := n.get(key)
	if v == nil {
		return ""
	}
	s, _ := v.val.(string)
	return s
}
