// Package devstack starts real services on loopback for tests and for a laptop: a Kafka broker
// (franz-go's kfake, in process or as its own process), an S3 gateway (versitygw), DynamoDB
// (dynalite), the AWS Lambda runtime interface emulator, PostgreSQL and MariaDB, and a Schema
// Registry (franz-go's in-memory srfake, served over HTTP in process).
//
// Each Start function picks a free port on 127.0.0.1, starts the service with its data in a
// fresh temporary directory, waits until the service answers its own protocol, and returns a
// handle whose Close stops the service (SIGTERM, then SIGKILL after a grace period) and removes
// the directory. A service's stdout and stderr go to a log file in its directory; when a start
// fails the error carries the tail of that log.
//
// Binaries are looked up in the directory named by $CONNECTLESS_BIN, then in bin/ at the root
// of the repository (found by walking up from the working directory to go.mod), then in PATH.
// dynalite runs with node from node_modules/dynalite/cli.js at the repository root. A missing
// binary is reported as a *MissingError naming the binary and the make target that installs it.
//
// Faults can be injected as outages are met in production: S3.Stop and S3.Start, and
// Postgres.Stop, Start and Restart, stop a service and start it again on the same port and
// data directory; a Proxy in front of a service (dynalite, whose data lives in memory) cuts
// and restores its connections; Kafka.CutRequests closes the connection of the next
// produce or fetch requests of an in-process broker.
//
// Clients reach the AWS-compatible services only through the standard SDK configuration
// (BaseEndpoint, static credentials, path-style S3), exactly as they would reach AWS.
//
// Package devstacktest wraps each Start function for tests: it registers cleanup and skips the
// test when a binary is missing, or fails it when CI=true.
package devstack
