package dynamo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/connectless/connectless/core/store"
)

// Active topic items: sk "TOPIC#<topic>", attributes task (N) and discovered (N, Unix ms).
// "$" is the byte after "#", so BETWEEN skTopic AND skTopicEnd covers every topic.
const (
	skTopic        = "TOPIC#"
	skTopicEnd     = "TOPIC$"
	attrDiscovered = "discovered"
)

// RecordActiveTopic implements store.TopicStore: one PutItem on condition that the topic's
// item does not exist yet.
func (s *Store) RecordActiveTopic(ctx context.Context, ts store.TopicStatus) error {
	if err := store.ValidateTopicStatus(ts); err != nil {
		return err
	}
	item := key(ts.Connector, skTopic+ts.Topic)
	item[attrTaskID] = nv(int64(ts.Task))
	item[attrDiscovered] = nv(ts.Discovered.UnixMilli())
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(s.table),
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("record active topic %q of %q: %w", ts.Topic, ts.Connector, err)
	}
	return nil
}

// ActiveTopics implements store.TopicStore: one Query of the connector's TOPIC# items.
func (s *Store) ActiveTopics(ctx context.Context, connector string) ([]string, error) {
	if err := store.ValidateConnector(connector); err != nil {
		return nil, fmt.Errorf("active topics: %w", err)
	}
	items, err := s.queryAll(ctx, connector, skTopic, skTopicEnd, "#sk", nil)
	if err != nil {
		return nil, fmt.Errorf("active topics of %q: %w", connector, err)
	}
	out := []string{}
	for _, it := range items {
		if t, ok := strings.CutPrefix(getS(it, attrSK), skTopic); ok {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out, nil
}

// ResetActiveTopics implements store.TopicStore: Query, then BatchWriteItem deletes.
func (s *Store) ResetActiveTopics(ctx context.Context, connector string) error {
	if err := store.ValidateConnector(connector); err != nil {
		return fmt.Errorf("reset active topics: %w", err)
	}
	if err := s.deleteTopics(ctx, connector); err != nil {
		return fmt.Errorf("reset active topics of %q: %w", connector, err)
	}
	return nil
}

func (s *Store) deleteTopics(ctx context.Context, connector string) error {
	items, err := s.queryAll(ctx, connector, skTopic, skTopicEnd, "#sk", nil)
	if err != nil {
		return err
	}
	keys := make([]map[string]types.AttributeValue, 0, len(items))
	for _, it := range items {
		keys = append(keys, key(connector, getS(it, attrSK)))
	}
	return s.batchWrite(ctx, deletes(keys))
}
