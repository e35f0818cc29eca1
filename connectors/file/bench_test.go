package file

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/connectless/connectless/core/connect/connecttest"
)

// BenchmarkSourcePoll reads one batch of 2,000 log lines of about 200 bytes (batch.size
// 2000) from the start of the file.
func BenchmarkSourcePoll(b *testing.B) {
	path := filepath.Join(b.TempDir(), "logs.txt")
	var buf bytes.Buffer
	for i := range 2000 {
		buf.WriteString(`{"level":"info","msg":"request served","i":` + strconv.Itoa(i) + `,"pad":"`)
		buf.Write(bytes.Repeat([]byte("p"), 140))
		buf.WriteString("\"}\n")
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	task := &SourceTask{}
	props := map[string]string{FileConfig: path, TopicConfig: "logs", BatchSizeConfig: "2000"}
	if err := task.Start(b.Context(), props, connecttest.SourceContext{Reader: &connecttest.Offsets{}}); err != nil {
		b.Fatal(err)
	}
	defer task.Stop()
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		task.pos, task.buf = 0, task.buf[:0]
		recs, err := task.Poll(b.Context())
		if err != nil || len(recs) != 2000 {
			b.Fatal(err, len(recs))
		}
	}
}
