package dynamo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/store"
)

func checkConfig(what string, config map[string]string) error {
	for k := range config {
		if err := checkMapKey(what, k); err != nil {
			return err
		}
	}
	return nil
}

// CreateConnector implements store.ConfigStore: a PutItem of the connector item, on
// condition that it does not exist.
func (s *Store) CreateConnector(ctx context.Context, name string, config map[string]string, state store.TargetState) error {
	what := fmt.Sprintf("create connector %q", name)
	if err := store.ValidateConnector(name); err != nil {
		return fmt.Errorf("create connector: %w", err)
	}
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := checkConfig(what, config); err != nil {
		return err
	}
	item := key(name, skConfig)
	item[attrConfig] = configAV(config)
	item[attrTarget] = sv(string(state))
	item[attrGen] = nv(0)
	item[attrTaskCount] = nv(0)
	item[attrNextGen] = nv(0)
	if err := checkItem(what, item); err != nil {
		return err
	}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(s.table),
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
	})
	if isConditionFailed(err) {
		return fmt.Errorf("%s: %w", what, store.ErrExists)
	}
	if err != nil {
		return asTooLarge(err, what)
	}
	return nil
}

// PutConnectorConfig implements store.ConfigStore: one UpdateItem that sets the config and
// fills in the other attributes of a new connector.
func (s *Store) PutConnectorConfig(ctx context.Context, name string, config map[string]string) error {
	what := fmt.Sprintf("put connector %q config", name)
	if err := store.ValidateConnector(name); err != nil {
		return fmt.Errorf("put connector config: %w", err)
	}
	if err := checkConfig(what, config); err != nil {
		return err
	}
	probe := key(name, skConfig)
	probe[attrConfig] = configAV(config)
	probe[attrTarget] = sv(string(store.TargetRunning))
	probe[attrGen], probe[attrTaskCount], probe[attrNextGen] = nv(1<<62), nv(1<<62), nv(1<<62)
	if err := checkItem(what, probe); err != nil {
		return err
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key:       key(name, skConfig),
		UpdateExpression: aws.String("SET #c = :c, #ts = if_not_exists(#ts, :running), #g = if_not_exists(#g, :zero), " +
			"#tc = if_not_exists(#tc, :zero), #ng = if_not_exists(#ng, :zero)"),
		ExpressionAttributeNames: map[string]string{
			"#c": attrConfig, "#ts": attrTarget, "#g": attrGen, "#tc": attrTaskCount, "#ng": attrNextGen,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": configAV(config), ":running": sv(string(store.TargetRunning)), ":zero": nv(0),
		},
	})
	if err != nil {
		return asTooLarge(err, what)
	}
	return nil
}

// PutTaskConfigs implements store.ConfigStore without transactions: it reserves a generation
// on the connector item (an atomic counter), writes one item per task under that generation,
// then makes it current with a conditional update that only moves the generation forward,
// and finally deletes the items of older generations. Readers never see a generation before
// all of its task items exist.
func (s *Store) PutTaskConfigs(ctx context.Context, name string, tasks []map[string]string) (int64, error) {
	what := fmt.Sprintf("put task configs of %q", name)
	if err := store.ValidateConnector(name); err != nil {
		return 0, fmt.Errorf("put task configs: %w", err)
	}
	items := make([]map[string]types.AttributeValue, len(tasks))
	for i, t := range tasks {
		w := fmt.Sprintf("%s: task %d", what, i)
		if err := checkConfig(w, t); err != nil {
			return 0, err
		}
		items[i] = key(name, taskConfigSK(0, i))
		items[i][attrConfig] = configAV(t)
		items[i][attrTaskID] = nv(int64(i))
		items[i][attrGen] = nv(1 << 62)
		if err := checkItem(w, items[i]); err != nil {
			return 0, err
		}
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(name, skConfig),
		UpdateExpression:          aws.String("SET #ng = if_not_exists(#ng, :zero) + :one"),
		ConditionExpression:       aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames:  map[string]string{"#ng": attrNextGen, "#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": nv(0), ":one": nv(1)},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if isConditionFailed(err) {
		return 0, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: reserve generation: %w", what, err)
	}
	gen, ok := getN(out.Attributes, attrNextGen)
	if !ok {
		return 0, fmt.Errorf("%s: reserve generation: no %s in the answer", what, attrNextGen)
	}
	for i, it := range items {
		it[attrSK] = sv(taskConfigSK(gen, i))
		it[attrGen] = nv(gen)
	}
	if err := s.batchWrite(ctx, puts(items)); err != nil {
		return 0, asTooLarge(err, what+": write task configs")
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(name, skConfig),
		UpdateExpression:          aws.String("SET #g = :g, #tc = :n"),
		ConditionExpression:       aws.String("attribute_exists(#pk) AND #g < :g"),
		ExpressionAttributeNames:  map[string]string{"#g": attrGen, "#tc": attrTaskCount, "#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": nv(gen), ":n": nv(int64(len(tasks)))},
	})
	if isConditionFailed(err) {
		// Deleted meanwhile, or a later generation is already current: ours is history.
		if _, err := s.getItem(ctx, name, skConfig, attrPK); err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		return gen, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%s: make generation %d current: %w", what, gen, err)
	}
	if err := s.deleteTaskConfigs(ctx, name, gen); err != nil {
		return 0, fmt.Errorf("%s: delete older generations: %w", what, err)
	}
	return gen, nil
}

// deleteTaskConfigs deletes the task config items of every generation below keep.
func (s *Store) deleteTaskConfigs(ctx context.Context, name string, keep int64) error {
	items, err := s.queryAll(ctx, name, skTaskConfig, skTaskConfig+"~", "#sk", nil)
	if err != nil {
		return err
	}
	var keys []map[string]types.AttributeValue
	for _, it := range items {
		sk := getS(it, attrSK)
		gen, _, ok := parseTaskConfigSK(sk)
		if ok && gen < keep {
			keys = append(keys, key(name, sk))
		}
	}
	return s.batchWrite(ctx, deletes(keys))
}

func parseTaskConfigSK(sk string) (gen int64, task int, ok bool) {
	rest, found := strings.CutPrefix(sk, skTaskConfig)
	if !found {
		return 0, 0, false
	}
	g, t, found := strings.Cut(rest, "#")
	if !found {
		return 0, 0, false
	}
	gen, err1 := strconv.ParseInt(g, 10, 64)
	tk, err2 := strconv.Atoi(t)
	return gen, tk, err1 == nil && err2 == nil
}

// PutTargetState implements store.ConfigStore: a conditional UpdateItem.
func (s *Store) PutTargetState(ctx context.Context, name string, state store.TargetState) error {
	what := fmt.Sprintf("put target state of %q", name)
	if err := store.ValidateTargetState(state); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := store.ValidateConnector(name); err != nil {
		return fmt.Errorf("put target state: %w", err)
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(name, skConfig),
		UpdateExpression:          aws.String("SET #ts = :ts"),
		ConditionExpression:       aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames:  map[string]string{"#ts": attrTarget, "#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":ts": sv(string(state))},
	})
	if isConditionFailed(err) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Connector implements store.ConfigStore: one Query for the connector item and its task
// config items.
func (s *Store) Connector(ctx context.Context, name string) (store.Connector, error) {
	if err := store.ValidateConnector(name); err != nil {
		return store.Connector{}, fmt.Errorf("connector: %w", err)
	}
	for attempt := 0; ; attempt++ {
		items, err := s.queryAll(ctx, name, skConfig, skTaskConfig+"~", "", nil)
		if err != nil {
			return store.Connector{}, fmt.Errorf("connector %q: %w", name, err)
		}
		if len(items) == 0 || getS(items[0], attrSK) != skConfig {
			return store.Connector{}, fmt.Errorf("connector %q: %w", name, store.ErrNotFound)
		}
		head := items[0]
		c := store.Connector{Name: name, Config: configFrom(getM(head, attrConfig)), TargetState: store.TargetState(getS(head, attrTarget))}
		c.Generation, _ = getN(head, attrGen)
		count, _ := getN(head, attrTaskCount)
		if count > 0 {
			c.Tasks = make([]map[string]string, count)
		}
		found := 0
		for _, it := range items[1:] {
			gen, task, ok := parseTaskConfigSK(getS(it, attrSK))
			if ok && gen == c.Generation && task < int(count) {
				c.Tasks[task] = configFrom(getM(it, attrConfig))
				found++
			}
		}
		if found == int(count) {
			return c, nil
		}
		// A concurrent PutTaskConfigs replaced this generation while we read: read again.
		if attempt == 3 {
			return store.Connector{}, fmt.Errorf("connector %q: generation %d has %d of %d task configs", name, c.Generation, found, count)
		}
		if err := connect.Sleep(ctx, time.Duration(attempt+1)*10*time.Millisecond); err != nil {
			return store.Connector{}, fmt.Errorf("connector %q: %w", name, err)
		}
	}
}

// DeleteConnector implements store.ConfigStore: after checking that the connector exists it
// removes task statuses from task items and deletes the status item and the task config
// items, and deletes the connector item last (on condition that it exists), so that a
// delete interrupted half-way can be run again. Task items stay with their lease tokens and
// offsets.
func (s *Store) DeleteConnector(ctx context.Context, name string) error {
	what := fmt.Sprintf("delete connector %q", name)
	if err := store.ValidateConnector(name); err != nil {
		return fmt.Errorf("delete connector: %w", err)
	}
	if _, err := s.getItem(ctx, name, skConfig, attrPK); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	tasks, err := s.queryAll(ctx, name, skTask, skTaskLast, "#sk, #st", map[string]string{"#st": attrStatus})
	if err != nil {
		return fmt.Errorf("%s: task statuses: %w", what, err)
	}
	for _, it := range tasks {
		if _, ok := it[attrStatus]; !ok {
			continue
		}
		_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                aws.String(s.table),
			Key:                      key(name, getS(it, attrSK)),
			UpdateExpression:         aws.String("REMOVE #st"),
			ExpressionAttributeNames: map[string]string{"#st": attrStatus},
		})
		if err != nil {
			return fmt.Errorf("%s: task status %s: %w", what, getS(it, attrSK), err)
		}
	}
	if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(name, skStatus)}); err != nil {
		return fmt.Errorf("%s: status: %w", what, err)
	}
	if err := s.deleteTaskConfigs(ctx, name, 1<<62); err != nil {
		return fmt.Errorf("%s: task configs: %w", what, err)
	}
	if err := s.deleteTopics(ctx, name); err != nil {
		return fmt.Errorf("%s: active topics: %w", what, err)
	}
	_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                aws.String(s.table),
		Key:                      key(name, skConfig),
		ConditionExpression:      aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
	})
	if isConditionFailed(err) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// getItem reads one item consistently; store.ErrNotFound if absent.
func (s *Store) getItem(ctx context.Context, connector, sk string, projection ...string) (map[string]types.AttributeValue, error) {
	in := &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(connector, sk), ConsistentRead: aws.Bool(true)}
	if len(projection) > 0 {
		names := map[string]string{}
		ph := make([]string, len(projection))
		for i, p := range projection {
			ph[i] = fmt.Sprintf("#p%d", i)
			names[ph[i]] = p
		}
		in.ProjectionExpression = aws.String(strings.Join(ph, ", "))
		in.ExpressionAttributeNames = names
	}
	out, err := s.db.GetItem(ctx, in)
	if err != nil {
		return nil, err
	}
	if out.Item == nil {
		return nil, fmt.Errorf("item %s: %w", sk, store.ErrNotFound)
	}
	return out.Item, nil
}

func puts(items []map[string]types.AttributeValue) []types.WriteRequest {
	out := make([]types.WriteRequest, len(items))
	for i, it := range items {
		out[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
	}
	return out
}

func deletes(keys []map[string]types.AttributeValue) []types.WriteRequest {
	out := make([]types.WriteRequest, len(keys))
	for i, k := range keys {
		out[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
	}
	return out
}

// batchWrite writes requests 25 at a time, resending unprocessed ones with a growing pause.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	for len(reqs) > 0 {
		n := min(25, len(reqs))
		batch := reqs[:n]
		reqs = reqs[n:]
		for attempt := 0; len(batch) > 0; attempt++ {
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{s.table: batch},
			})
			if err != nil {
				return err
			}
			batch = out.UnprocessedItems[s.table]
			if len(batch) > 0 {
				if attempt == 10 {
					return fmt.Errorf("batch write: %d requests still unprocessed", len(batch))
				}
				if err := connect.Sleep(ctx, time.Duration(attempt+1)*20*time.Millisecond); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
