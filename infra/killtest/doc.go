// Package killtest holds the crash tests of the flagship archive job run the serverless way:
// an S3 sink connector whose task invocations are separate OS processes, dispatched by the
// scheduler (taskrun.Assign, schedule.Planner, schedule.Dispatch) over shared state in
// DynamoDB (dynalite), reading an out-of-process kfake broker and writing to versitygw.
//
// A driver SIGKILLs task processes at random moments and the scheduler re-dispatches them
// once their leases expire; in the racing variant the driver freezes a task process
// (SIGSTOP) until its lease expired and a new invocation of the same task is running, then
// lets the old one go on (SIGCONT), so that two invocations of one task write to the bucket
// at once. Either way, once the tasks caught up, every offset of the topic must be in
// exactly one object of the bucket: nothing lost, nothing duplicated. When the tasks caught
// up before the kills or races were done, the driver appends a tenth more records to the
// topic and goes on, as an application keeps logging.
//
// The task process is the test binary itself, re-executed with KILLTEST_CHILD set: it opens
// the runtime from worker properties (serverless.Open) and runs one invocation
// (Runtime.RunTask), as the task Lambda function does.
//
//	go test ./infra/killtest/                 # 200,000 records, 20 kills, 20 races
//	go test ./infra/killtest/ -long -timeout 30m   # 1,000,000 records, 100 kills, 100 races
//	go test ./infra/killtest/ -records 500000 -chaos 50
//
// The same runs with the Iceberg sink (TestIntegrationIceberg…) write to a table of a
// PostgreSQL sql catalog with its warehouse in versitygw and verify by scanning the table:
// 200,000 records and 20 kills or races, as the S3 sink's default runs (also with -long).
//
// The source run (TestIntegrationKilledSourceTaskProcesses) reads a file of numbered lines
// into a one-partition topic with FileStreamSource, the file growing at an even pace while
// task processes are SIGKILLed (100,000 lines and 20 kills; 1,000,000 and 100 with -long).
// A source task commits its offset only at the end of a slice, so a killed invocation's
// lines are sent again by the next one: the topic must hold every line, in file order once
// repeats are dropped, and its repeats must be re-sends from a committed offset, no more
// of them than kills.
package killtest
