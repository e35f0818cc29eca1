// Package kafka is connectless's Kafka client plumbing, on github.com/segmentio/kafka-go.
//
// It offers what the task runtime, the schedulers and the Kafka-topic store need and nothing
// more: explicit partition reads (Client.Fetch, no consumer-group membership), a writer that
// reports the outcome of every message (Writer.Produce, acks=all by default), and admin calls
// (create and delete topics, list partitions and end offsets, commit and fetch consumer-group
// offsets without joining the group).
//
// It is also the one place that builds Kafka connections: ParseClientConfig reads Kafka's
// client keys (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*, also under the
// producer., consumer. and admin. prefixes), Open builds a Client from them (TLS with PEM
// trust and key stores, SASL PLAIN, SCRAM or AWS_MSK_IAM), Options.NewTransport secures the
// connections of packages that speak kafka-go directly, Client.ForConnector applies a
// connector's client overrides as the override policy allows, and Client.Ping with
// Security.Explain turns a refused connection into one error naming the key to fix.
//
// Offsets follow Kafka's convention everywhere: a committed offset is the next offset to read.
package kafka
