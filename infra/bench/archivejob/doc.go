// Package archivejob is what a benchmark child process runs: one archive job read as JSON
// (Job), its result written as JSON (JobResult) with the process's peak and file-backed RSS.
// It links the connectors the task function links (every one but the Iceberg sink), so that
// a child built from it alone (infra/bench/taskchild) has the task function's footprint.
package archivejob
