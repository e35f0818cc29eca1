// Package config holds the connector configuration every connector shares, as Kafka Connect's
// ConnectorConfig, SinkConnectorConfig and SourceConnectorConfig define it: the framework
// ConfigDefs (ConnectorDef, SinkDef, SourceDef) with Kafka's keys, groups, orders, defaults
// and docs; the dynamic transforms.<alias>.* and predicates.<alias>.* keys (Enrich); the
// validation that answers PUT /connector-plugins/{p}/config/validate in Kafka's ConfigInfos
// shape (ValidateConnector); and secret redaction for any output (Redact).
//
// Config-provider references (${env:X}) are resolved by the provider subpackage.
package config
