package file

import (
	"context"
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

// TestSourceReadsStdin: with standard input (connectless standalone), a FileStreamSource
// without a file reads its lines, as Kafka's does, with no partition or offset; the tasks of
// later slices go on where the last one stopped. Without it, file is required.
func TestSourceReadsStdin(t *testing.T) {
	p := NewSourcePlugin(strings.NewReader("one\ntwo\r\nthree\nfour"))
	props := map[string]string{TopicConfig: "lines", BatchSizeConfig: "2"}
	conn := p.New().(*SourceConnector)
	if err := conn.Start(t.Context(), props); err != nil {
		t.Fatalf("start without file: %v", err)
	}
	var got []string
	for slice := 0; slice < 3 && len(got) < 4; slice++ {
		task := conn.NewTask()
		if err := task.Start(t.Context(), props, &connecttest.SourceContext{}); err != nil {
			t.Fatal(err)
		}
		recs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) > 2 {
			t.Fatalf("poll returned %d records, batch.size is 2", len(recs))
		}
		for _, r := range recs {
			if r.Topic != "lines" || r.SourcePartition != nil || r.SourceOffset != nil {
				t.Fatalf("record %+v: want topic lines, no partition, no offset", r)
			}
			got = append(got, r.Value.(string))
		}
		_ = task.Stop()
	}
	if strings.Join(got, ",") != "one,two,three,four" {
		t.Fatalf("lines %q", got)
	}
	if err := (&SourceConnector{}).Start(t.Context(), map[string]string{TopicConfig: "lines"}); err == nil || !strings.Contains(err.Error(), FileConfig) {
		t.Fatalf("without stdin, a source without file: %v, want an error naming file", err)
	}
	infos := connect.ValidateAll(SourceClass, map[string]string{TopicConfig: "lines"}, conn.Config())
	if infos.ErrorCount != 0 {
		t.Fatalf("with stdin, validation without file: %+v", infos)
	}
}
