// Package restapi holds the JSON entities of the Kafka Connect REST API, with Kafka Connect's
// field names in its serialization order: what the herder answers, the REST server writes and
// the client reads. It imports nothing of the engine, so a client needs only it.
package restapi
