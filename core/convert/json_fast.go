package convert

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/connectless/connectless/core/connect/javacompat"
)

// maxFastDepth bounds the nesting the fast decoder follows; deeper values take the
// encoding/json path (whose own limit is 10000).
const maxFastDepth = 1000

// decodeFast decodes the first JSON value of data into the values encoding/json's Decoder
// with UseNumber gives (map[string]any, []any, string, json.Number, bool, nil), in one pass
// and without the Decoder's copy of the input. ok is false for anything it does not handle
// exactly as the Decoder does (invalid input, surrogate escapes, invalid UTF-8, very deep
// nesting): the caller then decodes with encoding/json, which also gives the error.
func decodeFast(data []byte) (v any, ok bool) {
	return fastParser{data: data}.decode()
}

// decodeFastSchemaless is decodeFast followed by schemaless, in one pass: numbers become
// int64 or float64 as they are read instead of json.Number values converted afterwards.
func decodeFastSchemaless(data []byte) (v any, ok bool) {
	return fastParser{data: data, schemaless: true}.decode()
}

// checkSchemaless reports whether data is one JSON value other than null, with nothing but
// whitespace around it, that decodeFastSchemaless takes, in the same scan without building
// anything: no map, slice, string or number.
func checkSchemaless(data []byte) bool {
	p := fastParser{data: data, schemaless: true, check: true}
	p.skipSpace()
	if p.i >= len(data) || data[p.i] == 'n' {
		return false // null: ToConnect's value is nil
	}
	if _, ok := p.value(0); !ok {
		return false
	}
	p.skipSpace()
	return p.i == len(data) // what follows the value is not read, but not written as read either
}

func (p fastParser) decode() (v any, ok bool) {
	p.skipSpace()
	if p.i >= len(p.data) {
		return nil, false
	}
	first := p.data[p.i]
	v, ok = p.value(0)
	if !ok {
		return nil, false
	}
	// The Decoder stops right after an object or an array; after a scalar it needs a space
	// (or the end) to know the value ended, and rejects anything else.
	if first != '{' && first != '[' && p.i < len(p.data) && !isSpace(p.data[p.i]) {
		return nil, false
	}
	return v, true
}

type fastParser struct {
	data []byte
	i    int
	// text is data as one string, made on the first string or number read: every plain
	// string and number is a substring of it, one copy of the input instead of one per
	// token (a value kept from the result keeps the whole input's copy alive).
	text string
	// schemaless makes numbers int64 or float64 (schemaless) instead of json.Number.
	schemaless bool
	// check only checks the grammar: values come back nil (or zero), nothing is built.
	check bool
}

// substr returns data[i:j] as a string sharing the parser's one copy of data.
func (p *fastParser) substr(i, j int) string {
	if p.text == "" {
		p.text = string(p.data)
	}
	return p.text[i:j]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *fastParser) skipSpace() {
	for p.i < len(p.data) && isSpace(p.data[p.i]) {
		p.i++
	}
}

func (p *fastParser) value(depth int) (any, bool) {
	if p.i >= len(p.data) || depth > maxFastDepth {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *fastParser) literal(word string) bool {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *fastParser) object(depth int) (any, bool) {
	p.i++ // {
	var m map[string]any
	if !p.check {
		m = map[string]any{}
	}
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return m, true
	}
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.skipSpace()
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		if !p.check {
			m[k] = v
		}
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case '}':
			p.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *fastParser) array(depth int) (any, bool) {
	p.i++ // [
	var a []any
	if !p.check {
		a = []any{}
	}
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return a, true
	}
	for {
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		if !p.check {
			a = append(a, v)
		}
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case ']':
			p.i++
			return a, true
		default:
			return nil, false
		}
	}
}

// str reads a string. Plain strings are copied once; escapes other than surrogate \u pairs
// are decoded; control characters and invalid UTF-8 are left to encoding/json.
func (p *fastParser) str() (string, bool) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.data) {
		if p.i += javacompat.PlainASCII(p.data[p.i:]); p.i >= len(p.data) {
			break
		}
		c := p.data[p.i]
		switch {
		case c == '"':
			end := p.i
			p.i++
			if end == start || p.check {
				return "", true
			}
			return p.substr(start, end), true
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			p.i += size
		}
	}
	return "", false
}

// escaped continues a string at its first backslash, building the decoded bytes.
func (p *fastParser) escaped(start int) (string, bool) {
	out := make([]byte, 0, p.i-start+16)
	out = append(out, p.data[start:p.i]...)
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), true
		case c == '\\':
			if p.i+1 >= len(p.data) {
				return "", false
			}
			e := p.data[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				if len(p.data)-p.i < 4 {
					return "", false
				}
				n, err := strconv.ParseUint(string(p.data[p.i:p.i+4]), 16, 32)
				if err != nil || (n >= 0xD800 && n < 0xE000) {
					return "", false // surrogates: encoding/json pairs or replaces them
				}
				p.i += 4
				out = utf8.AppendRune(out, rune(n))
			default:
				return "", false
			}
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			out = append(out, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			out = append(out, p.data[p.i:p.i+size]...)
			p.i += size
		}
	}
	return "", false
}

// number reads a number with JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *fastParser) number() (any, bool) {
	start := p.i
	if p.data[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i >= len(p.data) {
		return nil, false
	}
	if p.data[p.i] == '0' {
		p.i++
		if p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			return nil, false // leading zeros: the caller's retry handles them
		}
	} else if digits() == 0 {
		return nil, false
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, false
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	if p.check {
		return nil, true
	}
	n := json.Number(p.substr(start, p.i))
	if !p.schemaless {
		return n, true
	}
	if isIntegral(n) {
		if v, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return v, true
		}
		return longValue(n), true
	}
	f, _ := strconv.ParseFloat(string(n), 64)
	return f, true
}
