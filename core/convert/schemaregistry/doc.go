// Package schemaregistry holds what Confluent's Schema Registry converters share: their
// configuration keys (schema.registry.url, basic and bearer auth, TLS, auto.register.schemas,
// use.latest.version, the subject name strategies, schemas.cache.config), a registry client
// built on franz-go's pkg/sr with bounded caches of schema ids, the wire header (magic byte 0,
// 4-byte schema id, and for Protobuf the message indexes) and the classification of registry
// failures: an unreachable registry or a 5xx answer is retriable, any other answer an error
// of the record being converted.
package schemaregistry
