// Package workerprops is the one parser of worker properties: the long-lived worker
// (core/worker), standalone and the Lambda functions (core/serverless) all read their
// properties with Parse into one Config. Every key is a row of Keys (name, default, scope,
// meaning, the Kafka key it mirrors), from which docs/worker.md's reference is generated; the
// Kafka client keys are parsed by core/kafka's client factory. Unknown keys, and Kafka's keys
// that have no effect here (NoEffect), are logged once as warnings naming them; malformed
// values are errors naming the key (Problems). FromEnv maps the Confluent images' CONNECT_*
// environment variables to properties.
package workerprops
