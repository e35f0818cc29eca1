package devstack_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

func TestIntegrationS3(t *testing.T) {
	t.Parallel()
	s := devstacktest.S3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := s.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const bucket = "archive"
	if err := s.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}

	objects := map[string]string{
		"topics/logs/partition=0/logs+0+0000000000.json": `{"a":1}`,
		"topics/logs/partition=0/logs+0+0000000010.json": `{"a":2}`,
		"topics/logs/partition=1/logs+1+0000000000.json": `{"a":3}`,
		"other/readme.txt": "not listed under topics/",
	}
	for key, body := range objects {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body),
		}); err != nil {
			t.Fatalf("put %q: %v", key, err)
		}
	}
	for key, want := range objects {
		if got := getObject(ctx, t, client, bucket, key); got != want {
			t.Errorf("get %q = %q, want %q", key, got, want)
		}
	}

	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("topics/logs/")})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var keys []string
	for _, o := range list.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	wantKeys := []string{
		"topics/logs/partition=0/logs+0+0000000000.json",
		"topics/logs/partition=0/logs+0+0000000010.json",
		"topics/logs/partition=1/logs+1+0000000000.json",
	}
	if !sort.StringsAreSorted(keys) || strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
		t.Errorf("list topics/logs/ = %q, want %q", keys, wantKeys)
	}

	t.Run("conditional put refuses an existing key", func(t *testing.T) {
		key := "topics/logs/partition=0/logs+0+0000000000.json"
		_, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("overwrite"),
			IfNoneMatch: aws.String("*"),
		})
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusPreconditionFailed {
			t.Fatalf("put If-None-Match:* on an existing key: err = %v, want HTTP 412", err)
		}
		if got := getObject(ctx, t, client, bucket, key); got != objects[key] {
			t.Errorf("after refused put, %q = %q, want %q", key, got, objects[key])
		}
		fresh := "topics/logs/partition=0/logs+0+0000000020.json"
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(fresh), Body: strings.NewReader("new"),
			IfNoneMatch: aws.String("*"),
		}); err != nil {
			t.Fatalf("put If-None-Match:* on a new key: %v", err)
		}
	})

	t.Run("multipart upload", func(t *testing.T) {
		key := "big/object.bin"
		parts := [][]byte{
			bytes.Repeat([]byte("a"), 5<<20),
			bytes.Repeat([]byte("b"), 5<<20),
			[]byte("tail"),
		}
		up, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("create multipart upload: %v", err)
		}
		var done []s3types.CompletedPart
		for i, p := range parts {
			n := int32(i + 1)
			out, err := client.UploadPart(ctx, &s3.UploadPartInput{
				Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
				PartNumber: aws.Int32(n), Body: bytes.NewReader(p),
			})
			if err != nil {
				t.Fatalf("upload part %d: %v", n, err)
			}
			done = append(done, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
		}
		if _, err := client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
			MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done},
		}); err != nil {
			t.Fatalf("complete multipart upload: %v", err)
		}
		got := getObject(ctx, t, client, bucket, key)
		if want := string(bytes.Join(parts, nil)); got != want {
			t.Errorf("multipart object: got %d bytes, want %d (content differs: %v)", len(got), len(want), got != want)
		}
	})
}

func getObject(ctx context.Context, t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return string(b)
}

func TestIntegrationDynamoDB(t *testing.T) {
	t.Parallel()
	d := devstacktest.DynamoDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := d.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const table = "connectless-state"
	if _, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange},
		},
		BillingMode: ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatalf("create table: %v", err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	desc, err := w.WaitForOutput(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 30*time.Second)
	if err != nil {
		t.Fatalf("wait for table: %v", err)
	}
	if desc.Table.TableStatus != ddbtypes.TableStatusActive {
		t.Fatalf("table status %q, want ACTIVE", desc.Table.TableStatus)
	}

	// putVersioned writes version next of an item if its stored version is prev (0: absent).
	putVersioned := func(sk string, prev, next int) error {
		cond := "attribute_not_exists(pk)"
		values := map[string]ddbtypes.AttributeValue{}
		if prev > 0 {
			cond = "version = :prev"
			values[":prev"] = &ddbtypes.AttributeValueMemberN{Value: itoa(prev)}
		}
		in := &dynamodb.PutItemInput{
			TableName: aws.String(table),
			Item: map[string]ddbtypes.AttributeValue{
				"pk":      &ddbtypes.AttributeValueMemberS{Value: "connector#c1"},
				"sk":      &ddbtypes.AttributeValueMemberS{Value: sk},
				"version": &ddbtypes.AttributeValueMemberN{Value: itoa(next)},
			},
			ConditionExpression: aws.String(cond),
		}
		if len(values) > 0 {
			in.ExpressionAttributeValues = values
		}
		_, err := client.PutItem(ctx, in)
		return err
	}
	steps := []struct {
		sk         string
		prev, next int
		refused    bool
	}{
		{sk: "config", prev: 0, next: 1},
		{sk: "config", prev: 1, next: 2},
		{sk: "config", prev: 1, next: 3, refused: true}, // stale version
		{sk: "config", prev: 0, next: 4, refused: true}, // create over an existing item
		{sk: "status", prev: 0, next: 1},
		{sk: "task#0", prev: 0, next: 1},
	}
	for _, s := range steps {
		err := putVersioned(s.sk, s.prev, s.next)
		var ccf *ddbtypes.ConditionalCheckFailedException
		switch {
		case s.refused && !errors.As(err, &ccf):
			t.Errorf("put %s %d->%d: err = %v, want ConditionalCheckFailedException", s.sk, s.prev, s.next, err)
		case !s.refused && err != nil:
			t.Errorf("put %s %d->%d: %v", s.sk, s.prev, s.next, err)
		}
	}

	out, err := client.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :p)"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": &ddbtypes.AttributeValueMemberS{Value: "connector#c1"},
			":p":  &ddbtypes.AttributeValueMemberS{Value: "c"},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	if len(out.Items) != 1 {
		t.Fatalf("query returned %d items, want 1", len(out.Items))
	}
	if v := out.Items[0]["version"].(*ddbtypes.AttributeValueMemberN).Value; v != "2" {
		t.Errorf("config version = %s, want 2 (stale writes must not land)", v)
	}

	all, err := client.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: "connector#c1"}},
	})
	if err != nil {
		t.Fatalf("query all: %v", err)
	}
	var sks []string
	for _, it := range all.Items {
		sks = append(sks, it["sk"].(*ddbtypes.AttributeValueMemberS).Value)
	}
	if got, want := strings.Join(sks, ","), "config,status,task#0"; got != want {
		t.Errorf("query sort keys = %s, want %s", got, want)
	}

	_, err = client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("missing")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ResourceNotFoundException" {
		t.Errorf("describe a missing table: err = %v, want ResourceNotFoundException", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
