package iceberg

import (
	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/core/connect"
)

// Connector is the Iceberg sink connector: icebergconfig.Connector's validation and task
// configurations, the task (NewTask) and the catalog preflight (Preflight).
type Connector struct {
	icebergconfig.Connector
}

// NewTask returns a new Iceberg sink task; it logs to its task context's logger.
func (c *Connector) NewTask() connect.SinkTask { return NewTask(nil) }

var (
	_ connect.SinkConnector = (*Connector)(nil)
	_ connect.Validator     = (*Connector)(nil)
	_ connect.SinkTask      = (*Task)(nil)
	_ connect.PreCommitter  = (*Task)(nil)
)
