// Package outage holds the tests that inject faults into real services while connectors
// run: versitygw stopped and started again under an S3 archive, PostgreSQL restarted under
// the SQL source and sink, the DynamoDB endpoint cut under a worker's state store, and
// Kafka connections cut mid-fetch and mid-produce. They check that tasks ride out what time
// fixes (RUNNING, "retrying since …" in the status, nothing lost or duplicated) and still
// fail at once on what only a person can fix.
package outage
