package kafkatopic

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	kafkaclient "github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/core/store"
)

// GroupConfig configures a Member of a worker group.
type GroupConfig struct {
	// Brokers are the bootstrap brokers, host:port. Required. Mirrors bootstrap.servers.
	Brokers []string
	// Client secures the connections (TLS, SASL), as the worker's Kafka client factory built
	// it. The zero value is plaintext.
	Client kafkaclient.Options
	// GroupID is the worker group. Required. Mirrors Kafka Connect's group.id; it must not be a
	// consumer group's id.
	GroupID string
	// Balancer deals the tasks; the leader's is used. Required, usually a TaskBalancer.
	Balancer kafka.GroupBalancer
	// SessionTimeout: a member silent for longer leaves the group. Default 10s. Mirrors Kafka
	// Connect's session.timeout.ms.
	SessionTimeout time.Duration
	// RebalanceTimeout: how long the coordinator waits for members to rejoin. Default 60s.
	// Mirrors Kafka Connect's rebalance.timeout.ms.
	RebalanceTimeout time.Duration
	// HeartbeatInterval between heartbeats. Default 3s. Mirrors Kafka Connect's
	// heartbeat.interval.ms.
	HeartbeatInterval time.Duration
	// Logger receives join and heartbeat errors, which the member retries. Default slog.Default().
	Logger *slog.Logger
}

// Assignment is what one generation of the group gave a member.
type Assignment struct {
	// Generation is the group generation: the fencing token for AcquireAssigned.
	Generation int
	// MemberID is the member's id in that generation, given by the coordinator.
	MemberID string
	// Leader is true for the member that computed the assignment.
	Leader bool
	// Tasks are this member's tasks, sorted.
	Tasks []Task
}

// Member is one worker in a group: it joins, receives its tasks and heartbeats in the
// background, rejoining whenever the group rebalances, until Close.
type Member struct {
	cfg         GroupConfig
	client      *kafka.Client
	transport   *kafka.Transport
	log         *slog.Logger
	assignments chan Assignment
	stop        context.CancelFunc
	done        chan struct{}
	memberID    string // owned by the run goroutine until done is closed
}

// JoinGroup starts a member. Its assignments arrive on Assignments, one per generation.
func JoinGroup(cfg GroupConfig) (*Member, error) {
	if len(cfg.Brokers) == 0 || cfg.GroupID == "" || cfg.Balancer == nil {
		return nil, fmt.Errorf("join group %q: brokers, group id and balancer are required: %w", cfg.GroupID, store.ErrInvalid)
	}
	cfg.SessionTimeout = cmp.Or(cfg.SessionTimeout, 10*time.Second)
	cfg.RebalanceTimeout = cmp.Or(cfg.RebalanceTimeout, 60*time.Second)
	cfg.HeartbeatInterval = cmp.Or(cfg.HeartbeatInterval, 3*time.Second)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	m := &Member{cfg: cfg, log: cfg.Logger, transport: cfg.Client.NewTransport(),
		assignments: make(chan Assignment, 1), done: make(chan struct{})}
	m.client = &kafka.Client{Addr: kafka.TCP(cfg.Brokers...), Timeout: cfg.RebalanceTimeout + cfg.SessionTimeout,
		Transport: m.transport}
	ctx, cancel := context.WithCancel(context.Background())
	m.stop = cancel
	go m.run(ctx)
	return m, nil
}

// Assignments delivers the member's assignment after each rebalance; when the member falls
// behind, only the latest is kept.
func (m *Member) Assignments() <-chan Assignment { return m.assignments }

// Close leaves the group, so that the others rebalance at once instead of after the session
// timeout.
func (m *Member) Close() error {
	m.stop()
	<-m.done
	defer m.transport.CloseIdleConnections()
	if m.memberID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.SessionTimeout)
	defer cancel()
	res, err := m.client.LeaveGroup(ctx, &kafka.LeaveGroupRequest{GroupID: m.cfg.GroupID,
		Members: []kafka.LeaveGroupRequestMember{{ID: m.memberID}}})
	if err != nil {
		return fmt.Errorf("leave group %q: %w", m.cfg.GroupID, err)
	}
	// LeaveGroupResponse has the same field-order problem as HeartbeatResponse in kafka-go.
	if lerr := heartbeatError(&kafka.HeartbeatResponse{Error: res.Error, Throttle: res.Throttle}); lerr != nil && !errors.Is(lerr, kafka.UnknownMemberId) {
		return fmt.Errorf("leave group %q: %w", m.cfg.GroupID, lerr)
	}
	return nil
}

func (m *Member) run(ctx context.Context) {
	defer close(m.done)
	for ctx.Err() == nil {
		a, err := m.joinAndSync(ctx)
		if err != nil {
			if ctx.Err() == nil {
				m.log.Warn("join worker group", slog.String("group", m.cfg.GroupID), slog.Any("error", err))
				_ = connect.Sleep(ctx, m.cfg.HeartbeatInterval) // ctx is checked next
			}
			continue
		}
		select { // keep only the latest assignment
		case <-m.assignments:
		default:
		}
		m.assignments <- a
		m.heartbeat(ctx, a.Generation)
	}
}

// heartbeat returns when the generation ends: a rebalance started, or the member was dropped.
func (m *Member) heartbeat(ctx context.Context, generation int) {
	for {
		_ = connect.Sleep(ctx, m.cfg.HeartbeatInterval) // ctx is checked next
		if ctx.Err() != nil {
			return
		}
		res, err := m.client.Heartbeat(ctx, &kafka.HeartbeatRequest{GroupID: m.cfg.GroupID,
			GenerationID: int32(generation), MemberID: m.memberID})
		if err != nil {
			m.log.Warn("worker group heartbeat", slog.String("group", m.cfg.GroupID), slog.Any("error", err))
			return
		}
		switch herr := heartbeatError(res); {
		case herr == nil:
		case errors.Is(herr, kafka.RebalanceInProgress):
			return
		case errors.Is(herr, kafka.UnknownMemberId):
			m.memberID = ""
			return
		default:
			m.log.Warn("worker group heartbeat", slog.String("group", m.cfg.GroupID), slog.Any("error", herr))
			return
		}
	}
}

// heartbeatError returns the error code of a heartbeat (or leave group) response. kafka-go
// v0.4.51 declares the fields of HeartbeatResponse and LeaveGroupResponse v1+ in the wrong order (error code before throttle time, where
// Kafka sends the throttle time first), so the error code it reports is the high half of the
// throttle time and the real error code ends up in the low 16 bits of Throttle (in ms).
func heartbeatError(res *kafka.HeartbeatResponse) error {
	if res.Error != nil {
		return res.Error
	}
	if code := int16(res.Throttle.Milliseconds() & 0xffff); code != 0 {
		return kafka.Error(code)
	}
	return nil
}

// joinAndSync runs one rebalance: join, the leader's assignment, sync.
func (m *Member) joinAndSync(ctx context.Context) (Assignment, error) {
	userData, err := m.cfg.Balancer.UserData()
	if err != nil {
		return Assignment{}, fmt.Errorf("balancer user data: %w", err)
	}
	for {
		res, err := m.client.JoinGroup(ctx, &kafka.JoinGroupRequest{GroupID: m.cfg.GroupID, MemberID: m.memberID,
			SessionTimeout: m.cfg.SessionTimeout, RebalanceTimeout: m.cfg.RebalanceTimeout, ProtocolType: "connectless",
			Protocols: []kafka.GroupProtocol{{Name: m.cfg.Balancer.ProtocolName(),
				Metadata: kafka.GroupProtocolSubscription{UserData: userData}}}})
		if err != nil {
			return Assignment{}, fmt.Errorf("join group %q: %w", m.cfg.GroupID, err)
		}
		switch {
		case errors.Is(res.Error, kafka.MemberIDRequired):
			m.memberID = res.MemberID
			continue
		case errors.Is(res.Error, kafka.UnknownMemberId):
			m.memberID = ""
			continue
		case res.Error != nil:
			return Assignment{}, fmt.Errorf("join group %q: %w", m.cfg.GroupID, res.Error)
		}
		m.memberID = res.MemberID
		var assigns []kafka.SyncGroupRequestAssignment
		leader := res.LeaderID == res.MemberID
		if leader {
			members := make([]kafka.GroupMember, len(res.Members))
			for i, mb := range res.Members {
				members[i] = kafka.GroupMember{ID: mb.ID, UserData: mb.Metadata.UserData}
			}
			for id, tasks := range m.cfg.Balancer.AssignGroups(members, nil) {
				assigns = append(assigns, kafka.SyncGroupRequestAssignment{MemberID: id,
					Assignment: kafka.GroupProtocolAssignment{AssignedPartitions: tasks}})
			}
		}
		sres, err := m.client.SyncGroup(ctx, &kafka.SyncGroupRequest{GroupID: m.cfg.GroupID, GenerationID: res.GenerationID,
			MemberID: m.memberID, ProtocolType: "connectless", ProtocolName: res.ProtocolName, Assignments: assigns})
		if err != nil {
			return Assignment{}, fmt.Errorf("sync group %q: %w", m.cfg.GroupID, err)
		}
		if errors.Is(sres.Error, kafka.RebalanceInProgress) {
			continue
		}
		if sres.Error != nil {
			return Assignment{}, fmt.Errorf("sync group %q: %w", m.cfg.GroupID, sres.Error)
		}
		a := Assignment{Generation: res.GenerationID, MemberID: m.memberID, Leader: leader}
		for c, ids := range sres.Assignment.AssignedPartitions {
			for _, id := range ids {
				a.Tasks = append(a.Tasks, Task{Connector: c, ID: id})
			}
		}
		slices.SortFunc(a.Tasks, func(x, y Task) int {
			return cmp.Or(cmp.Compare(x.Connector, y.Connector), cmp.Compare(x.ID, y.ID))
		})
		return a, nil
	}
}
