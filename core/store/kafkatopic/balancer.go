package kafkatopic

import (
	"cmp"
	"slices"

	"github.com/segmentio/kafka-go"
)

// Task names one task of a connector.
type Task struct {
	Connector string
	ID        int
}

// TaskBalancer is a kafka.GroupBalancer that deals tasks over the members of a worker group,
// as Kafka Connect's leader deals connectors and tasks: tasks sorted by connector and id,
// members sorted by member id, round robin. The leader's Tasks function says which tasks exist.
//
// Assignments travel in the consumer protocol's shape, the connector name in place of a topic
// and the task ids in place of its partitions; Member reads them back as tasks. The group is
// joined with protocol type "connectless", so it never mixes with consumer groups.
type TaskBalancer struct {
	// Tasks returns every task to assign; called on the group leader at each rebalance.
	Tasks func() []Task
}

var _ kafka.GroupBalancer = TaskBalancer{}

// ProtocolName implements kafka.GroupBalancer.
func (TaskBalancer) ProtocolName() string { return "connectless-tasks-v1" }

// UserData implements kafka.GroupBalancer; members send none.
func (TaskBalancer) UserData() ([]byte, error) { return nil, nil }

// AssignGroups implements kafka.GroupBalancer. partitions is ignored: tasks are not topic
// partitions. Every member gets an entry, possibly empty.
func (b TaskBalancer) AssignGroups(members []kafka.GroupMember, _ []kafka.Partition) kafka.GroupMemberAssignments {
	out := make(kafka.GroupMemberAssignments, len(members))
	ids := make([]string, 0, len(members))
	for _, m := range members {
		out[m.ID] = map[string][]int{}
		ids = append(ids, m.ID)
	}
	if len(ids) == 0 || b.Tasks == nil {
		return out
	}
	slices.Sort(ids)
	tasks := slices.Clone(b.Tasks())
	slices.SortFunc(tasks, func(x, y Task) int {
		return cmp.Or(cmp.Compare(x.Connector, y.Connector), cmp.Compare(x.ID, y.ID))
	})
	tasks = slices.Compact(tasks)
	for i, t := range tasks {
		m := out[ids[i%len(ids)]]
		m[t.Connector] = append(m[t.Connector], t.ID)
	}
	return out
}
