package worker

import (
	"github.com/connectless/connectless/core/config/workerprops"
)

// ErrConfig is wrapped by every error about a malformed worker property (the one sentinel of
// the worker-properties parser).
var ErrConfig = workerprops.ErrConfig

// State backends for state.backend.
const (
	BackendBolt     = workerprops.BackendBolt
	BackendDynamoDB = workerprops.BackendDynamoDB
	BackendKafka    = workerprops.BackendKafka
	BackendMemory   = workerprops.BackendMemory
)

// Worker property keys the command line refers to; every key is in workerprops.Keys.
const (
	KeyBackend       = workerprops.KeyBackend
	KeyTLSCert       = workerprops.KeyTLSCert
	KeyTLSKey        = workerprops.KeyTLSKey
	KeyBasicAuthFile = workerprops.KeyBasicAuthFile
)

// Config is a parsed set of worker properties (workerprops.Parse in Worker mode).
type Config = workerprops.Config

// FromEnv returns the worker properties carried by CONNECT_* environment variables, the
// Confluent images' convention (workerprops.FromEnv, which the Lambda functions read too).
func FromEnv(environ []string) map[string]string { return workerprops.FromEnv(environ) }

// Merge returns the properties of a worker file overridden by those from the environment.
func Merge(file, env map[string]string) map[string]string { return workerprops.Merge(file, env) }
