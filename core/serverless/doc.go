// Package serverless is what the three Lambda functions share: the worker properties taken
// from the environment (workerprops.FromEnv, the Confluent images' CONNECT_ convention, as
// the long-lived worker reads them too), building the store, Kafka client, herder and task
// environment from those properties (Open, with core/startup, the worker's builder too), the
// API Gateway proxy adapter in front of the REST handler
// (APIGateway), the scheduler and task handlers, the Lambda and in-process task invokers,
// and task metrics in CloudWatch Embedded Metric Format (EMF).
//
// Every function's main only wires: it reads os.Environ, calls Open with the connector
// registry, and starts the Lambda runtime with one of the handlers here. Everything here runs
// and is tested without the Lambda runtime.
//
// The flow (see the design's "serverless flow"): the scheduler, at each EventBridge tick,
// deals sink partitions over tasks (taskrun.Assign), plans the due tasks (schedule.Planner)
// and fans out one asynchronous invocation per due task (schedule.Dispatch over an Invoker).
// The task function runs one slice of one task (taskrun.Run) until the invocation's deadline
// minus a margin and writes its metrics as one EMF line. A second invocation of a task that
// is already running finds the lease held and exits cleanly, saying so in its result and log.
//
// The task functions take a second kind of payload, a preflight request (KindPreflight): the
// REST function, which links no iceberg-go, sends the Iceberg sink's configurations to the
// Iceberg task function on validate, create and update (DelegatePreflight), synchronously, and
// reports the connector's findings that function answers as its own.
package serverless
