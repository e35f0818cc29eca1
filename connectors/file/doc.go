// Package file is Kafka's FileStream connectors: FileStreamSource reads the lines of a local
// file into a topic and resumes from its byte position after a restart; FileStreamSink
// appends one record value per line to a local file. Class names, config keys and source
// offsets ({"filename": path} → {"position": bytes}) are Kafka's, so offsets migrate either way.
//
// Files are local to wherever the task runs: these connectors suit the long-lived worker,
// demos and tests rather than Lambda, whose file system does not outlive an invocation.
package file
