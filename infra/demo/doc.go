// Package demo is what `connectless demo` (and `make demo`) runs: the flagship job, log
// archival to S3 and restore, end to end on a laptop with no cloud account.
//
// Run starts the embedded defaults (an in-process kfake Kafka broker, versitygw as the local
// S3 store, the bolt state file in a temporary directory), writes realistic application
// logs (the datagen connector's applogs template) into app-logs with timestamps spread over
// the last few hours, creates an hourly S3 sink through the Kafka Connect REST API served
// over real HTTP on a loopback port, and runs it the serverless way: a scheduler tick
// (partition assignment, schedule.Planner, schedule.Dispatch) fans out task invocations
// that run in process (taskrun.Run through serverless.Runtime). It then lists what the
// bucket holds, reads every object back to count its records, shows the connector status
// from GET /connectors/{name}/status, checks that the archive holds every produced record,
// restores the fullest hour into app-logs-restored with the S3 source through the same
// REST and scheduler path, and checks the restored count against the archive's count for
// that hour.
//
// Progress goes to Options.Out as plain lines prefixed with the elapsed time. Run returns
// an error wrapping ErrCheck when a count does not match.
package demo
