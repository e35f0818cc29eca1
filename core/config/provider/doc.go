// Package provider resolves config-provider references in connector configurations, as Kafka
// Connect's ConfigTransformer does: ${env:VAR}, ${file:path:key} (a Java properties file),
// ${directory:dir:file} (one file per value) and ${secretsmanager:secret-id:key} (AWS Secrets
// Manager). Providers are declared in the worker
// properties with Kafka's keys:
//
//	config.providers=env,file,secretsmanager
//	config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
//	config.providers.file.param.allowed.paths=/etc/secrets
//
// Stored configurations always keep the references; Resolve is called only when a
// configuration is handed to a connector or a task, and resolved values are never logged and
// never part of an error message.
package provider
