package s3sink

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/connectless/connectless/connectors/archive/layout"
)

// ManifestEntry describes one object written by the sink, as listed in a manifest.
type ManifestEntry struct {
	Key          string      `json:"key"`
	Topic        string      `json:"topic"`
	Partition    int32       `json:"partition"`
	FirstOffset  int64       `json:"first_offset"`
	LastOffset   int64       `json:"last_offset"`
	RecordCount  int         `json:"record_count"`
	ByteSize     int64       `json:"byte_size"`
	MinTimestamp *int64      `json:"min_timestamp,omitempty"`
	MaxTimestamp *int64      `json:"max_timestamp,omitempty"`
	view         layout.View // which file of its file set the object is (for notifications)
}

// Manifest is the JSON document written per commit when s3.manifest.enabled is true.
type Manifest struct {
	CreatedMs int64           `json:"created_ms"`
	Objects   []ManifestEntry `json:"objects"`
}

// writeManifest uploads the entries collected since the last manifest, if enabled. The key is
// <s3.manifest.prefix>/<topics.dir>/<created ms, 13 digits>-<random>.json, so listing the
// prefix returns manifests in time order.
func (t *Task) writeManifest(ctx context.Context) error {
	if !t.cfg.ManifestEnabled || len(t.manifest) == 0 {
		t.manifest = t.manifest[:0]
		return nil
	}
	now := t.now().UnixMilli()
	body, err := json.Marshal(Manifest{CreatedMs: now, Objects: t.manifest})
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	d := t.cfg.DirectoryDelim
	key := strings.Trim(t.cfg.ManifestPrefix, d) + d
	if strings.TrimSpace(t.cfg.TopicsDir) != "" {
		key += t.cfg.TopicsDir + d
	}
	key += layout.Pad(now, 13) + "-" + hex.EncodeToString(rnd[:]) + ".json"
	f, err := os.CreateTemp(t.spillDir, "s3sink-*.manifest")
	if err != nil {
		return fmt.Errorf("create manifest file: %w", err)
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	if _, err := io.Copy(f, bytes.NewReader(body)); err != nil {
		return fmt.Errorf("write manifest file: %w", err)
	}
	if _, err := t.store.create(ctx, key, f, int64(len(body)), nil); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	t.manifest = t.manifest[:0]
	return nil
}
