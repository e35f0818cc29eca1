package serverless

import (
	"github.com/connectless/connectless/core/config/workerprops"
)

// ErrConfig is wrapped by every error about a malformed worker property (the one sentinel of
// the worker-properties parser).
var ErrConfig = workerprops.ErrConfig

// Backend names for state.backend.
const (
	BackendDynamoDB = workerprops.BackendDynamoDB
	BackendKafka    = workerprops.BackendKafka
	BackendBolt     = workerprops.BackendBolt
	BackendMemory   = workerprops.BackendMemory
)

// Config is the parsed worker properties (workerprops.Parse in Functions mode).
type Config = workerprops.Config
