package backend

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/connectless/connectless/core/store"
	"github.com/connectless/connectless/core/store/bolt"
	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/core/store/kafkatopic"
	"github.com/connectless/connectless/core/store/memory"
)

// Names of the state backends, as state.backend takes them.
const (
	Bolt     = "bolt"
	DynamoDB = "dynamodb"
	Kafka    = "kafka"
	Memory   = "memory"
)

// Options say which backend to open and how.
type Options struct {
	// Backend is one of Bolt, DynamoDB, Kafka and Memory.
	Backend string
	// BoltPath is the bolt file (state.bolt.path).
	BoltPath string
	// DynamoDBTable is the table (state.dynamodb.table).
	DynamoDBTable string
	// DynamoDBCreate creates the table when it is missing (state.dynamodb.table.create);
	// either way Open fails when the table is missing and was not created.
	DynamoDBCreate bool
	// AWSConfig loads the AWS configuration for DynamoDB (the SDK's default chain in production).
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// Kafka holds the brokers and topic names for the kafka backend.
	Kafka kafkatopic.Config
	// Logger is handed to backends that log; may be nil.
	Logger *slog.Logger
}

// Open opens the named backend. Errors name the backend, as state.backend=NAME.
func Open(ctx context.Context, o Options) (store.Store, error) {
	switch o.Backend {
	case DynamoDB:
		if o.AWSConfig == nil {
			return nil, fmt.Errorf("state.backend=dynamodb: no AWS configuration loader")
		}
		ac, err := o.AWSConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("state.backend=dynamodb: load AWS configuration: %w", err)
		}
		client := dynamodb.NewFromConfig(ac)
		if err := dynamo.EnsureTable(ctx, client, o.DynamoDBTable, o.DynamoDBCreate, o.Logger); err != nil {
			return nil, fmt.Errorf("state.backend=dynamodb: %w", err)
		}
		return dynamo.New(client, o.DynamoDBTable), nil
	case Kafka:
		cfg := o.Kafka
		if cfg.Logger == nil {
			cfg.Logger = o.Logger
		}
		st, err := kafkatopic.Open(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("state.backend=kafka: %w", err)
		}
		return st, nil
	case Bolt:
		st, err := bolt.Open(o.BoltPath)
		if err != nil {
			return nil, fmt.Errorf("state.backend=bolt: %w", err)
		}
		return st, nil
	case Memory:
		return memory.New(), nil
	}
	return nil, fmt.Errorf("state.backend: %w: unknown backend %q (want bolt, dynamodb, kafka or memory)", store.ErrInvalid, o.Backend)
}
