package dynamo_test

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/connectless/connectless/core/store/dynamo"
	"github.com/connectless/connectless/core/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// avJSON renders an attribute value as DynamoDB JSON ({"S": "x"}, {"M": {...}}).
func avJSON(v types.AttributeValue) any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": itemJSON(v.Value)}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = avJSON(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	}
	return map[string]any{"?": "unknown type"}
}

func itemJSON(item map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = avJSON(v)
	}
	return out
}

func scanAll(t *testing.T, c *dynamodb.Client, table string) []map[string]types.AttributeValue {
	t.Helper()
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		items = append(items, page.Items...)
	}
	key := func(it map[string]types.AttributeValue) string {
		return it["pk"].(*types.AttributeValueMemberS).Value + "\x00" + it["sk"].(*types.AttributeValueMemberS).Value
	}
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	return items
}

func TestIntegrationGoldenItems(t *testing.T) {
	newClient := dynamoClient(t)
	c := newClient()
	const table = "golden"
	if err := dynamo.CreateTable(t.Context(), c, table); err != nil {
		t.Fatalf("create table: %v", err)
	}
	now := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	s := dynamo.New(c, table, dynamo.WithClock(func() time.Time { return now }))
	storetest.WriteSample(t, s, now)

	var rendered []any
	for _, it := range scanAll(t, c, table) {
		rendered = append(rendered, itemJSON(it))
	}
	got, err := json.MarshalIndent(rendered, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "items.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if string(got) != string(want) {
		t.Fatalf("stored items changed; run with -update if intended.\n got:\n%s\nwant:\n%s", got, want)
	}
}
