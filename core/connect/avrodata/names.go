package avrodata

import (
	"fmt"
	"strings"
)

// javaURLEncode encodes as Java's URLEncoder.encode(s, "UTF-8"): letters, digits and ".-*_"
// stay, a space becomes "+", every other byte "%XX".
func javaURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-*_", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// splitName splits a full name into namespace and name at the last dot, as AvroData does.
func splitName(full string) (ns, name string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

// scrub returns name unchanged unless cfg.ScrubInvalidNames is set, in which case characters
// Avro names may not hold become underscores (after URL-encoding, as Confluent does) and a name
// starting with a digit gets an "x" in front.
func (c Config) scrub(name string) string {
	if !c.ScrubInvalidNames || name == "" {
		return name
	}
	valid := func(ch byte) bool {
		return ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_'
	}
	ok := name[0] < '0' || name[0] > '9'
	for i := 0; ok && i < len(name); i++ {
		ok = valid(name[i])
	}
	if ok {
		return name
	}
	enc := javaURLEncode(name)
	if enc[0] >= '0' && enc[0] <= '9' {
		enc = "x" + enc
	}
	b := []byte(enc)
	for i := range b {
		if !valid(b[i]) {
			b[i] = '_'
		}
	}
	return string(b)
}

// scrubFull scrubs each dotted part of a full name.
func (c Config) scrubFull(full string) string {
	if !c.ScrubInvalidNames || full == "" {
		return full
	}
	ns, name := splitName(full)
	if ns == "" {
		return c.scrub(name)
	}
	parts := strings.Split(ns, ".")
	for i, p := range parts {
		parts[i] = c.scrub(p)
	}
	return strings.Join(parts, ".") + "." + c.scrub(name)
}
