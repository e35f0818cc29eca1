package s3sink

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectless/connectless/connectors/archive/layout"
	"github.com/connectless/connectless/connectors/archive/s3client"
	"github.com/connectless/connectless/core/connect"
)

// MaxArchiveObjects is the most objects ListArchive answers; a larger listing is refused
// with a message to narrow it by topic or partition.
const MaxArchiveObjects = 1000

// headConcurrency is how many HEAD requests ListArchive has in flight.
const headConcurrency = 8

var _ connect.ArchiveLister = (*Connector)(nil)

// ListArchive lists the value objects the sink wrote under topics.dir for topic (every topic
// when empty) and partition (every partition when negative), with the record count and
// first/last offsets from each object's metadata. It implements connect.ArchiveLister.
func (c *Connector) ListArchive(ctx context.Context, props map[string]string, topic string, partition int32) ([]connect.ArchiveObject, error) {
	cfg, err := ParseConfig(props)
	if err != nil {
		return nil, err
	}
	client, err := s3client.New(ctx, cfg.ClientOptions())
	if err != nil {
		return nil, fmt.Errorf("s3 client: %w", err)
	}
	prefix := ""
	if topic != "" {
		prefix = cfg.Layout.TopicPrefix(topic)
	} else if cfg.TopicsDir != "" {
		prefix = cfg.TopicsDir + cfg.DirectoryDelim
	}
	var objs []connect.ArchiveObject
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &cfg.Bucket, Prefix: &prefix})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", cfg.Bucket, prefix, err)
		}
		for _, o := range page.Contents {
			name, ok := cfg.Layout.ParseObjectKey(aws.ToString(o.Key))
			if !ok || name.View != layout.ValueView || (topic != "" && name.Topic != topic) || (partition >= 0 && name.Partition != partition) {
				continue
			}
			if len(objs) == MaxArchiveObjects {
				return nil, fmt.Errorf("more than %d objects under s3://%s/%s: choose a topic and partition", MaxArchiveObjects, cfg.Bucket, prefix)
			}
			obj := connect.ArchiveObject{Key: name.Key, Topic: name.Topic, Partition: name.Partition, Bucket: name.Encoded, Size: aws.ToInt64(o.Size)}
			if o.LastModified != nil {
				obj.LastModified = o.LastModified.UTC().Format(time.RFC3339)
			}
			first := name.StartOffset
			obj.FirstOffset = &first
			objs = append(objs, obj)
		}
	}
	minTs, err := headAll(ctx, client, cfg.Bucket, objs)
	if err != nil {
		return nil, err
	}
	for i, ts := range minTs {
		if ts == nil {
			continue
		}
		if start, end, ok := bucketRange(&cfg.Layout, objs[i].Bucket, *ts); ok {
			objs[i].BucketStart, objs[i].BucketEnd = rfc3339Ms(start), rfc3339Ms(end)
		}
	}
	slices.SortFunc(objs, func(a, b connect.ArchiveObject) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition),
			cmp.Compare(*a.FirstOffset, *b.FirstOffset), cmp.Compare(a.Key, b.Key))
	})
	return objs, nil
}

// bucketRange returns the time range [start, end) in epoch ms of the time bucket that holds
// ts, when the layout is time-based and that bucket is encoded.
func bucketRange(l *layout.Layout, encoded string, ts int64) (start, end int64, ok bool) {
	if !l.TimeBased() || l.PartitionDurationMs <= 0 {
		return 0, 0, false
	}
	enc, starts, err := l.TimeBuckets(ts, ts+2*l.PartitionDurationMs, 4)
	if err != nil || len(enc) < 2 || enc[0] != encoded {
		return 0, 0, false
	}
	return starts[0], starts[1], true
}

func rfc3339Ms(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano) }

// headAll reads each object's metadata into it: record count and first/last offsets. An
// object without them keeps the first offset of its key and nil for the others. It returns
// each object's smallest record timestamp from the metadata, nil when unknown.
func headAll(ctx context.Context, client *s3.Client, bucket string, objs []connect.ArchiveObject) ([]*int64, error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sem   = make(chan struct{}, headConcurrency)
		minTs = make([]*int64, len(objs))
	)
	for i := range objs {
		wg.Add(1)
		sem <- struct{}{}
		go func(o *connect.ArchiveObject, minTs **int64) {
			defer func() { <-sem; wg.Done() }()
			out, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &o.Key})
			if err != nil {
				mu.Lock()
				first = cmp.Or(first, fmt.Errorf("head object %q: %w", o.Key, err))
				mu.Unlock()
				return
			}
			if n, err := strconv.ParseInt(out.Metadata[metaRecordCount], 10, 64); err == nil {
				o.RecordCount = &n
			}
			if n, err := strconv.ParseInt(out.Metadata[metaFirstOffset], 10, 64); err == nil {
				o.FirstOffset = &n
			}
			if n, err := strconv.ParseInt(out.Metadata[metaLastOffset], 10, 64); err == nil {
				o.LastOffset = &n
			}
			if n, err := strconv.ParseInt(out.Metadata[metaMinTimestamp], 10, 64); err == nil {
				*minTs = &n
			}
		}(&objs[i], &minTs[i])
	}
	wg.Wait()
	return minTs, first
}
