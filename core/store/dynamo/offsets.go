package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

// maxAttempts bounds the optimistic read-modify-write loops.
const maxAttempts = 20

// entry is one offset in a map attribute: o is the offset (S of JSON or NULL for a source
// tombstone; N for a sink offset, -1 a tombstone), q the commit sequence that wrote it.
func entryAV(o types.AttributeValue, seq int64) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{entryOffset: o, entrySeq: nv(seq)}}
}

func entrySeqOf(av types.AttributeValue) int64 {
	m, ok := av.(*types.AttributeValueMemberM)
	if !ok {
		return 0
	}
	n, _ := getN(m.Value, entrySeq)
	return n
}

func entryOffsetOf(av types.AttributeValue) types.AttributeValue {
	if m, ok := av.(*types.AttributeValueMemberM); ok {
		return m.Value[entryOffset]
	}
	return nil
}

// merged reads one offsets attribute from the OFFSETS item and every task item of the
// connector (one Query) and keeps, per key, the entry of the highest commit sequence above
// the last reset.
func (s *Store) merged(ctx context.Context, connector, attr string) (map[string]types.AttributeValue, error) {
	items, err := s.queryAll(ctx, connector, skOffsets, skTaskLast, "#sk, #m, #rs",
		map[string]string{"#m": attr, "#rs": attrResetSeq})
	if err != nil {
		return nil, err
	}
	var reset int64
	for _, it := range items {
		if getS(it, attrSK) == skOffsets {
			reset, _ = getN(it, attrResetSeq)
		}
	}
	best := map[string]types.AttributeValue{}
	bestSeq := map[string]int64{}
	for _, it := range items {
		for k, e := range getM(it, attr) {
			q := entrySeqOf(e)
			if q > reset && q > bestSeq[k] {
				best[k], bestSeq[k] = entryOffsetOf(e), q
			}
		}
	}
	return best, nil
}

// SourceOffsets implements store.OffsetStore.
func (s *Store) SourceOffsets(ctx context.Context, connector string) ([]store.SourceOffset, error) {
	m, err := s.merged(ctx, connector, attrSource)
	if err != nil {
		return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if _, ok := v.(*types.AttributeValueMemberS); ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]store.SourceOffset, 0, len(keys))
	for _, k := range keys {
		p, err := store.DecodeMap(k)
		if err != nil {
			return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
		}
		o, err := store.DecodeMap(m[k].(*types.AttributeValueMemberS).Value)
		if err != nil {
			return nil, fmt.Errorf("source offsets of %q: %w", connector, err)
		}
		out = append(out, store.SourceOffset{Partition: p, Offset: o})
	}
	return out, nil
}

// SinkOffsets implements store.OffsetStore.
func (s *Store) SinkOffsets(ctx context.Context, connector string) (map[connect.TopicPartition]int64, error) {
	m, err := s.merged(ctx, connector, attrSink)
	if err != nil {
		return nil, fmt.Errorf("sink offsets of %q: %w", connector, err)
	}
	out := map[connect.TopicPartition]int64{}
	for k, v := range m {
		n, ok := v.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		o, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil || o < 0 {
			continue
		}
		tp, err := store.ParseTopicPartitionKey(k)
		if err != nil {
			return nil, fmt.Errorf("sink offsets of %q: %w", connector, err)
		}
		out[tp] = o
	}
	return out, nil
}

func encodeSource(what string, offsets []store.SourceOffset) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(offsets))
	for _, o := range offsets {
		k, err := store.PartitionKey(o.Partition)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := checkMapKey(what+": source partition", k); err != nil {
			return nil, err
		}
		if o.Offset == nil {
			out[k] = &types.AttributeValueMemberNULL{Value: true}
			continue
		}
		v, err := store.EncodeOffset(o.Offset)
		if err != nil {
			return nil, fmt.Errorf("%s: partition %s: %w", what, k, err)
		}
		out[k] = sv(v)
	}
	return out, nil
}

func encodeSink(what string, offsets map[connect.TopicPartition]int64, alter bool) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(offsets))
	for tp, o := range offsets {
		if err := store.ValidateTopicPartition(tp); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if o < 0 {
			if !alter {
				return nil, fmt.Errorf("%s: %s offset %d is negative: %w", what, store.TopicPartitionKey(tp), o, store.ErrInvalid)
			}
			o = -1
		}
		out[store.TopicPartitionKey(tp)] = nv(o)
	}
	return out, nil
}

// CommitSourceOffsets implements store.OffsetStore; see commit.
func (s *Store) CommitSourceOffsets(ctx context.Context, lease store.Lease, offsets []store.SourceOffset) error {
	what := fmt.Sprintf("commit source offsets of %q task %d", lease.Connector, lease.Task)
	enc, err := encodeSource(what, offsets)
	if err != nil {
		return err
	}
	return s.commit(ctx, what, lease, attrSource, enc)
}

// CommitSinkOffsets implements store.OffsetStore; see commit.
func (s *Store) CommitSinkOffsets(ctx context.Context, lease store.Lease, offsets map[connect.TopicPartition]int64) error {
	what := fmt.Sprintf("commit sink offsets of %q task %d", lease.Connector, lease.Task)
	enc, err := encodeSink(what, offsets, false)
	if err != nil {
		return err
	}
	return s.commit(ctx, what, lease, attrSink, enc)
}

// nextSeq takes the next commit sequence from the connector's OFFSETS item and returns it
// with the sequence of the last reset.
func (s *Store) nextSeq(ctx context.Context, connector string) (seq, reset int64, err error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(connector, skOffsets),
		UpdateExpression:          aws.String("SET #seq = if_not_exists(#seq, :zero) + :one, #rs = if_not_exists(#rs, :zero)"),
		ExpressionAttributeNames:  map[string]string{"#seq": attrSeq, "#rs": attrResetSeq},
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": nv(0), ":one": nv(1)},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, 0, fmt.Errorf("take commit sequence: %w", err)
	}
	seq, ok := getN(out.Attributes, attrSeq)
	if !ok {
		return 0, 0, fmt.Errorf("take commit sequence: no %s in the answer", attrSeq)
	}
	reset, _ = getN(out.Attributes, attrResetSeq)
	return seq, reset, nil
}

// commit merges entries into the task item's offsets attribute. It reads the task item and
// takes a commit sequence (both at once), drops entries older than the last reset, adds the
// new ones under the sequence, checks the item's size, and writes the attribute back with
// one UpdateItem on condition that the lease token is still the lease's (else
// store.ErrFenced) and that no other commit of the same lease changed the item meanwhile
// (else it starts over).
func (s *Store) commit(ctx context.Context, what string, lease store.Lease, attr string, entries map[string]types.AttributeValue) error {
	if err := store.ValidateTask(lease.Connector, lease.Task); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var (
			wg              sync.WaitGroup
			item            map[string]types.AttributeValue
			seq, reset      int64
			itemErr, seqErr error
		)
		wg.Go(func() { item, itemErr = s.getItem(ctx, lease.Connector, taskSK(lease.Task)) })
		if len(entries) > 0 {
			wg.Go(func() { seq, reset, seqErr = s.nextSeq(ctx, lease.Connector) })
		}
		wg.Wait()
		if errors.Is(itemErr, store.ErrNotFound) {
			return fmt.Errorf("%s: token %d: no lease was ever taken: %w", what, lease.Token, store.ErrFenced)
		}
		if err := errors.Join(itemErr, seqErr); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if tok, _ := getN(item, attrToken); tok != lease.Token {
			return fmt.Errorf("%s: token %d (current %d): %w", what, lease.Token, tok, store.ErrFenced)
		}
		if len(entries) == 0 {
			return nil
		}
		merged := make(map[string]types.AttributeValue, len(entries))
		for k, e := range getM(item, attr) {
			if entrySeqOf(e) > reset {
				merged[k] = e
			}
		}
		for k, o := range entries {
			merged[k] = entryAV(o, seq)
		}
		version, hasVersion := getN(item, attrVersion)
		next := maps.Clone(item)
		next[attr] = &types.AttributeValueMemberM{Value: merged}
		next[attrVersion] = nv(version + 1)
		if err := checkItem(what, next); err != nil {
			return err
		}
		cond := "#tok = :tok AND #ver = :ver"
		values := map[string]types.AttributeValue{":tok": nv(lease.Token), ":m": next[attr], ":next": nv(version + 1)}
		if hasVersion {
			values[":ver"] = nv(version)
		} else {
			cond = "#tok = :tok AND attribute_not_exists(#ver)"
		}
		_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(s.table),
			Key:                       key(lease.Connector, taskSK(lease.Task)),
			UpdateExpression:          aws.String("SET #m = :m, #ver = :next"),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeNames:  map[string]string{"#tok": attrToken, "#ver": attrVersion, "#m": attr},
			ExpressionAttributeValues: values,
		})
		if isConditionFailed(err) {
			continue // fenced or raced: the next read tells which
		}
		if err != nil {
			return asTooLarge(err, what)
		}
		return nil
	}
	return fmt.Errorf("%s: still contended after %d attempts", what, maxAttempts)
}

// alterAdmin changes the OFFSETS item with an optimistic read-modify-write on its commit
// sequence: change gets the item's current attributes and the new sequence.
func (s *Store) alterAdmin(ctx context.Context, what, connector string, change adminChange) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		item, err := s.getItem(ctx, connector, skOffsets)
		if errors.Is(err, store.ErrNotFound) {
			item, err = key(connector, skOffsets), nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		old, has := getN(item, attrSeq)
		reset, _ := getN(item, attrResetSeq)
		update, names, values, err := change(item, old+1, reset)
		if err != nil {
			return err
		}
		names["#seq"] = attrSeq
		values[":new"] = nv(old + 1)
		cond := "attribute_not_exists(#seq)"
		if has {
			cond = "#seq = :old"
			values[":old"] = nv(old)
		}
		_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(s.table),
			Key:                       key(connector, skOffsets),
			UpdateExpression:          aws.String("SET #seq = :new" + update),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
		})
		if isConditionFailed(err) {
			continue // a commit took a sequence meanwhile
		}
		if err != nil {
			return asTooLarge(err, what)
		}
		return nil
	}
	return fmt.Errorf("%s: still contended after %d attempts", what, maxAttempts)
}

// adminChange computes an update of the OFFSETS item from its current attributes, the new
// commit sequence and the last reset's: extra update clauses after "SET #seq = :new", with
// their names and values.
type adminChange func(item map[string]types.AttributeValue, seq, reset int64) (update string, names map[string]string, values map[string]types.AttributeValue, err error)

// alterMap returns the change that merges entries into the OFFSETS item's attr, refusing an
// item that would grow too large.
func alterMap(what, attr string, entries map[string]types.AttributeValue) adminChange {
	return func(item map[string]types.AttributeValue, seq, reset int64) (string, map[string]string, map[string]types.AttributeValue, error) {
		merged := map[string]types.AttributeValue{}
		for k, e := range getM(item, attr) {
			if entrySeqOf(e) > reset {
				merged[k] = e
			}
		}
		for k, o := range entries {
			merged[k] = entryAV(o, seq)
		}
		m := &types.AttributeValueMemberM{Value: merged}
		next := maps.Clone(item)
		next[attr] = m
		next[attrSeq] = nv(seq)
		if err := checkItem(what, next); err != nil {
			return "", nil, nil, err
		}
		return ", #m = :m", map[string]string{"#m": attr}, map[string]types.AttributeValue{":m": m}, nil
	}
}

// AlterSourceOffsets implements store.OffsetStore: the offsets go to the connector's OFFSETS
// item under a new commit sequence, so they win over every earlier commit.
func (s *Store) AlterSourceOffsets(ctx context.Context, connector string, offsets []store.SourceOffset) error {
	what := fmt.Sprintf("alter source offsets of %q", connector)
	enc, err := encodeSource(what, offsets)
	if err != nil {
		return err
	}
	return s.alterAdmin(ctx, what, connector, alterMap(what, attrSource, enc))
}

// AlterSinkOffsets implements store.OffsetStore like AlterSourceOffsets; a negative offset
// is stored as a -1 tombstone.
func (s *Store) AlterSinkOffsets(ctx context.Context, connector string, offsets map[connect.TopicPartition]int64) error {
	what := fmt.Sprintf("alter sink offsets of %q", connector)
	enc, err := encodeSink(what, offsets, true)
	if err != nil {
		return err
	}
	return s.alterAdmin(ctx, what, connector, alterMap(what, attrSink, enc))
}

// ResetOffsets implements store.OffsetStore without touching task items: the OFFSETS item
// records the reset's commit sequence, and readers ignore every entry at or below it.
func (s *Store) ResetOffsets(ctx context.Context, connector string) error {
	what := fmt.Sprintf("reset offsets of %q", connector)
	return s.alterAdmin(ctx, what, connector, func(map[string]types.AttributeValue, int64, int64) (string, map[string]string, map[string]types.AttributeValue, error) {
		return ", #rs = :new REMOVE #src, #sink", map[string]string{"#rs": attrResetSeq, "#src": attrSource, "#sink": attrSink},
			map[string]types.AttributeValue{}, nil
	})
}
