package herder

import (
	"context"

	"github.com/connectless/connectless/core/connect"
)

// Archive lists the archive a sink connector wrote (GET /connectors/{c}/archive, a connectless
// extension): topic empty lists every topic, a negative partition every partition. A connector
// whose plugin is not a connect.ArchiveLister answers ErrNotFound.
func (h *Herder) Archive(ctx context.Context, name, topic string, partition int32) ([]connect.ArchiveObject, error) {
	c, err := h.connector(ctx, name, "Connector %s not found")
	if err != nil {
		return nil, err
	}
	conn, cfg, err := h.connectorInstance(ctx, c)
	if err != nil {
		return nil, err
	}
	l, ok := conn.(connect.ArchiveLister)
	if !ok {
		return nil, notFound("Connector %s does not write an archive that can be listed", name)
	}
	objs, err := l.ListArchive(ctx, cfg, topic, partition)
	if err != nil {
		return nil, newErrWrap(ErrInternal, err, "List the archive of connector %s: %s", name, err.Error())
	}
	if objs == nil {
		objs = []connect.ArchiveObject{}
	}
	return objs, nil
}
