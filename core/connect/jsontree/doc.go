// Package jsontree parses JSON into a tree that keeps what encoding/json's maps lose: the
// order of object members and number literals as written. Schema texts (a JSON Schema's
// properties are fields in order) and Kafka Connect REST bodies (read as Jackson reads them)
// are parsed with it.
package jsontree
