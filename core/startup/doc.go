// Package startup builds what the long-lived worker (core/worker) and the Lambda functions
// (core/serverless) run on, from their worker properties, in one place: it resolves the
// config-provider references and parses the properties (Prepare), then opens the Kafka
// client through the client factory (checking a secured cluster answers), the state backend,
// the herder and the task environment (Open).
package startup
