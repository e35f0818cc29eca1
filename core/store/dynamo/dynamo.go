package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/connectless/connectless/core/store"
)

// MaxItemSize is DynamoDB's item size limit (400 KB), counted the way DynamoDB counts it:
// attribute names plus values.
const MaxItemSize = 400 * 1024

// maxMapKey is DynamoDB's limit on an attribute name, which map keys (source partitions,
// config keys) are.
const maxMapKey = 64 * 1024

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used for lease expiry and release. Default time.Now. Leases
// compare this clock across processes, so hosts need roughly synchronised clocks; keep lease
// durations well above the expected skew.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Store is the DynamoDB backend (see the package doc for the table design). It holds no
// state of its own beyond the client: any number of Stores, in any number of processes, may
// share a table.
type Store struct {
	db    *dynamodb.Client
	table string
	now   func() time.Time
}

var _ store.Store = (*Store)(nil)

// New returns a Store on table, which must exist (see CreateTable).
func New(client *dynamodb.Client, table string, opts ...Option) *Store {
	s := &Store{db: client, table: table, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Close does nothing: the client belongs to the caller.
func (s *Store) Close() error { return nil }

// Key layout (see the package doc).
const (
	attrPK = "pk"
	attrSK = "sk"

	skConfig      = "CONFIG"
	skTaskConfig  = "CONFIG#TASK#" // + generation (20 digits) + "#" + task (10 digits)
	skOffsets     = "OFFSETS"
	skStatus      = "STATUS"
	skTask        = "TASK#" // + task (10 digits)
	skTaskLast    = "TASK#~"
	pkPrefix      = "C#"
	attrConfig    = "config"
	attrTarget    = "target_state"
	attrGen       = "generation"
	attrTaskCount = "task_count"
	attrNextGen   = "next_generation"
	attrTaskID    = "task"
	attrToken     = "lease_token"
	attrHolder    = "lease_holder"
	attrExpires   = "lease_expires"
	attrReleased  = "lease_released"
	attrStatus    = "status"
	attrSource    = "source_offsets"
	attrSink      = "sink_offsets"
	attrVersion   = "offsets_version"
	attrSeq       = "seq"
	attrResetSeq  = "reset_seq"
	entryOffset   = "o"
	entrySeq      = "q"
)

func pk(connector string) string { return pkPrefix + connector }

func taskSK(task int) string { return fmt.Sprintf("%s%010d", skTask, task) }

func taskConfigSK(gen int64, task int) string {
	return fmt.Sprintf("%s%020d#%010d", skTaskConfig, gen, task)
}

func key(connector, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: str(connector, true), attrSK: &types.AttributeValueMemberS{Value: sk}}
}

func str(s string, isPK bool) types.AttributeValue {
	if isPK {
		s = pk(s)
	}
	return &types.AttributeValueMemberS{Value: s}
}

func sv(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func nv(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func getS(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(item map[string]types.AttributeValue, name string) (int64, bool) {
	v, ok := item[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	return n, err == nil
}

func getM(item map[string]types.AttributeValue, name string) map[string]types.AttributeValue {
	if v, ok := item[name].(*types.AttributeValueMemberM); ok {
		return v.Value
	}
	return nil
}

func configAV(m map[string]string) types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		out[k] = sv(v)
	}
	return &types.AttributeValueMemberM{Value: out}
}

func configFrom(av map[string]types.AttributeValue) map[string]string {
	out := make(map[string]string, len(av))
	for k, v := range av {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			out[k] = s.Value
		}
	}
	return out
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(n int64) time.Time { return time.UnixMilli(n).UTC() }

// isConditionFailed reports whether err is a failed condition expression.
func isConditionFailed(err error) bool {
	var cf *types.ConditionalCheckFailedException
	return errors.As(err, &cf)
}

// asTooLarge turns DynamoDB's item size validation error into store.ErrTooLarge.
func asTooLarge(err error, what string) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ValidationException" &&
		strings.Contains(ae.ErrorMessage(), "maximum allowed size") {
		return fmt.Errorf("%s: the item would exceed DynamoDB's limit of %d bytes: %w (%s)", what, MaxItemSize, store.ErrTooLarge, ae.ErrorMessage())
	}
	return fmt.Errorf("%s: %w", what, err)
}

// itemSize computes an item's size the way DynamoDB counts it: attribute name lengths plus
// value sizes (UTF-8 bytes of strings, about half the digits of numbers, 3 bytes plus one per
// element for maps and lists).
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return 1 + (len(strings.TrimLeft(v.Value, "-0"))+1)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberM:
		return 3 + len(v.Value) + itemSize(v.Value)
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, e := range v.Value {
			n += len(e)
		}
		return n
	}
	return 0
}

// checkItem refuses an item above MaxItemSize, or with a map key above DynamoDB's
// attribute-name limit, with store.ErrTooLarge.
func checkItem(what string, item map[string]types.AttributeValue) error {
	if n := itemSize(item); n > MaxItemSize {
		return store.TooLargeError(what+" (DynamoDB item)", n, MaxItemSize)
	}
	return nil
}

func checkMapKey(what, k string) error {
	if len(k) > maxMapKey {
		return store.TooLargeError(what+": key "+truncate(k)+" (a DynamoDB attribute name)", len(k), maxMapKey)
	}
	return nil
}

func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// queryAll runs a consistent Query over one connector's items between two sort keys and
// returns every page's items.
func (s *Store) queryAll(ctx context.Context, connector, from, to, projection string, names map[string]string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		ConsistentRead:         aws.Bool(true),
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :from AND :to"),
		ExpressionAttributeNames: map[string]string{
			"#pk": attrPK, "#sk": attrSK,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(connector, true), ":from": sv(from), ":to": sv(to),
		},
	}
	if projection != "" {
		in.ProjectionExpression = aws.String(projection)
		for k, v := range names {
			in.ExpressionAttributeNames[k] = v
		}
	}
	var out []map[string]types.AttributeValue
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
	}
	return out, nil
}

// Connectors implements store.ConfigStore with a Scan for connector items.
func (s *Store) Connectors(ctx context.Context) ([]string, error) {
	in := &dynamodb.ScanInput{
		TableName:                 aws.String(s.table),
		ConsistentRead:            aws.Bool(true),
		FilterExpression:          aws.String("#sk = :cfg"),
		ProjectionExpression:      aws.String("#pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":cfg": sv(skConfig)},
	}
	names := []string{}
	p := dynamodb.NewScanPaginator(s.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list connectors: scan %s: %w", s.table, err)
		}
		for _, it := range page.Items {
			names = append(names, strings.TrimPrefix(getS(it, attrPK), pkPrefix))
		}
	}
	sort.Strings(names)
	return names, nil
}
