// Package bench measures connectless against real local services: Kafka (kfake as its own
// process), S3 (versitygw) and DynamoDB (dynalite) on loopback. It loads a topic with JSON log
// lines and archives it to S3 three ways: a plain loop with no framework (the raw ceiling), the
// S3 sink through the worker path and the S3 sink through the serverless path (scheduler →
// in-process task invocations). Each archive variant runs in a child process so that its CPU
// seconds and peak RSS come from the kernel's rusage; the records in the bucket afterwards are
// the ground truth. It also measures peak memory against the partition count, the overhead of
// one invocation (store round trips on DynamoDB, cold init of the task bootstrap under
// aws-lambda-rie), scheduler fan-out, and turns CPU seconds per GB into a cost per TB beside
// MSK Connect and Firehose.
//
// `connectless bench` runs it; `make bench` and `make bench-quick` are the front door.
package bench
