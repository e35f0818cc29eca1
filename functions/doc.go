// Package functions holds the Lambda entry points (rest, scheduler, task), each a main that
// only wires core/serverless, and the tests that run their built bootstrap binaries under
// the Lambda runtime interface emulator against real Kafka, S3 and DynamoDB servers.
package functions
