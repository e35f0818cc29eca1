package provider

import "io"

// ParseProperties reads the Java properties format (the format of Kafka's worker and
// connector files and of the file provider's files): '#' and '!' comments, key=value,
// key:value or key value, backslash line continuations and \t \n \r \f \uXXXX escapes.
// Errors give line numbers, never content.
func ParseProperties(r io.Reader) (map[string]string, error) { return parseProperties(r) }
