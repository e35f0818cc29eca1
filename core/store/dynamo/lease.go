package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/connectless/connectless/core/store"
)

// Acquire implements store.LeaseStore: one UpdateItem on the task item that adds one to the
// token, on condition that the lease is absent or expired. The item as it was says whether
// the previous lease was released (store.Lease.TookOver).
func (s *Store) Acquire(ctx context.Context, connector string, task int, holder string, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateAcquire(connector, task, ttl); err != nil {
		return store.Lease{}, err
	}
	what := fmt.Sprintf("acquire lease of %q task %d", connector, task)
	now := s.now()
	expires := fromMS(ms(now.Add(ttl)))
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 key(connector, taskSK(task)),
		UpdateExpression:    aws.String("SET #tok = if_not_exists(#tok, :zero) + :one, #h = :h, #exp = :exp, #task = :task REMOVE #rel"),
		ConditionExpression: aws.String("attribute_not_exists(#exp) OR #exp <= :now"),
		ExpressionAttributeNames: map[string]string{
			"#tok": attrToken, "#h": attrHolder, "#exp": attrExpires, "#task": attrTaskID, "#rel": attrReleased,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": nv(0), ":one": nv(1), ":h": sv(holder), ":exp": nv(ms(expires)), ":now": nv(ms(now)),
			":task": nv(int64(task)),
		},
		ReturnValues: types.ReturnValueUpdatedOld,
	})
	if isConditionFailed(err) {
		cur, cerr := s.CurrentLease(ctx, connector, task)
		if cerr != nil {
			return store.Lease{}, fmt.Errorf("%s: %w", what, store.ErrLeaseHeld)
		}
		return store.Lease{}, fmt.Errorf("%s: held by %q until %s: %w", what, cur.Holder, cur.Expires.Format(time.RFC3339Nano), store.ErrLeaseHeld)
	}
	if err != nil {
		return store.Lease{}, fmt.Errorf("%s: %w", what, err)
	}
	// The attributes as they were before: no token means the first lease of the task.
	old, _ := getN(out.Attributes, attrToken)
	_, held := out.Attributes[attrExpires]
	_, released := out.Attributes[attrReleased]
	return store.Lease{Connector: connector, Task: task, Holder: holder, Token: old + 1, Expires: expires,
		TookOver: held && !released}, nil
}

// fencedUpdate runs an UpdateItem on the lease's task item on condition that the stored
// token is the lease's; a failed condition becomes store.ErrFenced.
func (s *Store) fencedUpdate(ctx context.Context, what string, l store.Lease, update string, names map[string]string, values map[string]types.AttributeValue) error {
	if err := store.ValidateTask(l.Connector, l.Task); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	names["#tok"] = attrToken
	values[":tok"] = nv(l.Token)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(l.Connector, taskSK(l.Task)),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("#tok = :tok"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	if isConditionFailed(err) {
		return fmt.Errorf("%s: connector %q task %d token %d: %w", what, l.Connector, l.Task, l.Token, store.ErrFenced)
	}
	if err != nil {
		return asTooLarge(err, what)
	}
	return nil
}

// Renew implements store.LeaseStore: an UpdateItem of the expiry on condition of the token.
func (s *Store) Renew(ctx context.Context, lease store.Lease, ttl time.Duration) (store.Lease, error) {
	if err := store.ValidateRenew(lease, ttl); err != nil {
		return store.Lease{}, err
	}
	expires := fromMS(ms(s.now().Add(ttl)))
	err := s.fencedUpdate(ctx, "renew lease", lease, "SET #exp = :exp REMOVE #rel",
		map[string]string{"#exp": attrExpires, "#rel": attrReleased}, map[string]types.AttributeValue{":exp": nv(ms(expires))})
	if err != nil {
		return store.Lease{}, err
	}
	lease.Expires = expires
	return lease, nil
}

// Release implements store.LeaseStore: the expiry becomes now and the lease is marked
// released, on condition of the token; the token stays so that the next holder's is larger.
func (s *Store) Release(ctx context.Context, lease store.Lease) error {
	err := s.fencedUpdate(ctx, "release lease", lease, "SET #exp = :exp, #rel = :rel",
		map[string]string{"#exp": attrExpires, "#rel": attrReleased},
		map[string]types.AttributeValue{":exp": nv(ms(s.now())), ":rel": &types.AttributeValueMemberBOOL{Value: true}})
	if errors.Is(err, store.ErrFenced) || errors.Is(err, store.ErrInvalid) {
		return nil // taken over, or never held: nothing to give up
	}
	return err
}

// CurrentLease implements store.LeaseStore: a consistent GetItem of the lease attributes.
func (s *Store) CurrentLease(ctx context.Context, connector string, task int) (store.Lease, error) {
	if err := store.ValidateTask(connector, task); err != nil {
		return store.Lease{}, fmt.Errorf("lease: %w", err)
	}
	it, err := s.getItem(ctx, connector, taskSK(task), attrToken, attrHolder, attrExpires)
	if err != nil {
		return store.Lease{}, fmt.Errorf("lease of %q task %d: %w", connector, task, err)
	}
	tok, ok := getN(it, attrToken)
	if !ok {
		return store.Lease{}, fmt.Errorf("lease of %q task %d: %w", connector, task, store.ErrNotFound)
	}
	exp, _ := getN(it, attrExpires)
	return store.Lease{Connector: connector, Task: task, Holder: getS(it, attrHolder), Token: tok, Expires: fromMS(exp)}, nil
}

// statusAV encodes a status as a map attribute.
func statusAV(st store.Status) *types.AttributeValueMemberM {
	m := map[string]types.AttributeValue{
		"state":      sv(string(st.State)),
		"worker_id":  sv(st.WorkerID),
		"generation": nv(st.Generation),
		"updated":    nv(ms(st.Updated)),
	}
	if st.Trace != "" {
		m["trace"] = sv(st.Trace)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func statusFrom(connector string, task int, m map[string]types.AttributeValue) store.Status {
	st := store.Status{Connector: connector, Task: task, State: store.State(getS(m, "state")),
		WorkerID: getS(m, "worker_id"), Trace: getS(m, "trace")}
	st.Generation, _ = getN(m, "generation")
	upd, _ := getN(m, "updated")
	st.Updated = fromMS(upd)
	return st
}

func checkStatus(what string, st store.Status) (*types.AttributeValueMemberM, error) {
	if err := store.ValidateConnector(st.Connector); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if st.Task < -1 {
		return nil, fmt.Errorf("%s: task id %d is below -1: %w", what, st.Task, store.ErrInvalid)
	}
	av := statusAV(st)
	item := key(st.Connector, skStatus)
	item[attrStatus] = av
	if err := checkItem(what, item); err != nil {
		return nil, err
	}
	return av, nil
}

// PutStatus implements store.StatusStore: a PutItem of the connector's status item (Task
// -1), or an unconditional UpdateItem of a task item's status.
func (s *Store) PutStatus(ctx context.Context, st store.Status) error {
	what := fmt.Sprintf("put status of %q task %d", st.Connector, st.Task)
	av, err := checkStatus(what, st)
	if err != nil {
		return err
	}
	if st.Task >= 0 {
		_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(s.table),
			Key:                       key(st.Connector, taskSK(st.Task)),
			UpdateExpression:          aws.String("SET #st = :st, #task = :task"),
			ExpressionAttributeNames:  map[string]string{"#st": attrStatus, "#task": attrTaskID},
			ExpressionAttributeValues: map[string]types.AttributeValue{":st": av, ":task": nv(int64(st.Task))},
		})
	} else {
		item := key(st.Connector, skStatus)
		item[attrStatus] = av
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item})
	}
	if err != nil {
		return asTooLarge(err, what)
	}
	return nil
}

// PutTaskStatus implements store.StatusStore: an UpdateItem of the task item's status on
// condition of the lease token, so a fenced holder cannot write it.
func (s *Store) PutTaskStatus(ctx context.Context, lease store.Lease, st store.Status) error {
	st.Connector, st.Task = lease.Connector, lease.Task
	what := fmt.Sprintf("put status of %q task %d", st.Connector, st.Task)
	av, err := checkStatus(what, st)
	if err != nil {
		return err
	}
	return s.fencedUpdate(ctx, what, lease, "SET #st = :st",
		map[string]string{"#st": attrStatus}, map[string]types.AttributeValue{":st": av})
}

// Statuses implements store.StatusStore: one Query from the status item through the task
// items, projecting the status attribute only.
func (s *Store) Statuses(ctx context.Context, connector string) ([]store.Status, error) {
	if err := store.ValidateConnector(connector); err != nil {
		return nil, fmt.Errorf("statuses: %w", err)
	}
	items, err := s.queryAll(ctx, connector, skStatus, skTaskLast, "#sk, #st, #task", map[string]string{"#st": attrStatus, "#task": attrTaskID})
	if err != nil {
		return nil, fmt.Errorf("statuses of %q: %w", connector, err)
	}
	var out []store.Status
	for _, it := range items {
		m := getM(it, attrStatus)
		if m == nil {
			continue
		}
		task := -1
		if getS(it, attrSK) != skStatus {
			n, ok := getN(it, attrTaskID)
			if !ok {
				return nil, fmt.Errorf("statuses of %q: item %s has no task id", connector, getS(it, attrSK))
			}
			task = int(n)
		}
		out = append(out, statusFrom(connector, task, m))
	}
	return out, nil // sort keys order the connector's STATUS item first, then TASK#<id> by id
}
