// Package rest serves the Kafka Connect REST API as one net/http handler: every endpoint of
// Kafka Connect's ConnectorsResource, ConnectorPluginsResource, LoggingResource and
// RootResource, plus /health, with Kafka's paths, query parameters, status codes, JSON
// shapes and error bodies ({"error_code":N,"message":"..."}), so that curl scripts, kcctl and
// the Terraform provider work unchanged.
//
// Request bodies are decoded as Kafka's Jackson setup does: numbers and booleans in flat
// config maps become strings, nested values and malformed JSON are 500s with a Jackson-like
// message, and unknown fields in typed bodies are rejected. Bodies are limited in size.
//
// The handler holds no connector state; it delegates to a *herder.Herder.
package rest
