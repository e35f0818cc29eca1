package connect

// JSONBytes is the Value of a sink record whose value converter checked that the bytes as
// read are one schemaless JSON value other than null, and did not build it: nothing needed the
// Connect value. The runtime hands such values only to a task that asked for them
// (JSONBytesSink), and only when no transformation runs on the record. ValueSchema is then
// nil and RawValue is Data, as they would be with the built value.
type JSONBytes struct {
	// Data is the value as read. It must not be changed.
	Data  []byte
	conv  Converter
	topic string
}

// NewJSONBytes returns the unbuilt value data that conv checked for topic.
func NewJSONBytes(data []byte, conv Converter, topic string) JSONBytes {
	return JSONBytes{Data: data, conv: conv, topic: topic}
}

// Build returns the Connect value the converter's ToConnect gives for Data, for a task that
// needs it after all.
func (j *JSONBytes) Build() (any, error) {
	_, v, err := j.conv.ToConnect(j.topic, j.Data)
	return v, err
}

// JSONBytesSink is an optional SinkTask ability: Put takes *JSONBytes values and writes
// them from their bytes, building the value only where it must. The runtime then skips
// building values its converter can check (JSONBytesConverter).
type JSONBytesSink interface {
	// TakesJSONBytes reports, after Start, whether Put takes *JSONBytes values with the
	// task's configuration (it reads no field of a value, say).
	TakesJSONBytes() bool
}

// JSONBytesConverter is an optional Converter ability: it tells, from one scan and without
// building anything, that its ToConnect gives a schemaless JSON value for some bytes.
type JSONBytesConverter interface {
	// CheckJSON reports whether data is exactly one JSON value other than null, with
	// nothing but JSON whitespace around it, and ToConnect(topic, data) returns a nil
	// schema, a non-nil value and no error, the value being data parsed as schemaless JSON.
	// False means anything else or that it cannot tell: the caller then calls ToConnect,
	// which also gives the error.
	CheckJSON(topic string, data []byte) bool
}
