// Package workerprops holds the parsing steps that the long-lived worker (core/worker) and the
// Lambda functions (core/serverless) share when they read worker properties: collecting every
// malformed value as an error that names its key, millisecond durations, comma-separated
// lists, and the default converter keys (key.converter, value.converter, header.converter and
// their options).
package workerprops
