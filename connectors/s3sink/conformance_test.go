package s3sink

import (
	"strings"
	"testing"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

func TestIntegrationConformance(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "conformance")
	cfg := s.props("conformance", map[string]string{"topics": "connecttest", "flush.size": "4"})
	delete(cfg, "connector.class")
	connecttest.Run(t, connecttest.Suite{
		Plugin: Plugin,
		Config: cfg,
		CheckSink: func(t testing.TB, written []connect.SinkRecord) {
			var lines []string
			for k, b := range s.objectsUnder(t, "conformance", "topics/connecttest/partition=0/") {
				if strings.HasSuffix(k, ".json") {
					lines = append(lines, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")...)
				}
			}
			for _, r := range written {
				want := `"` + r.Value.(string) + `"`
				found := 0
				for _, l := range lines {
					if l == want {
						found++
					}
				}
				if found != 1 {
					t.Errorf("record %s stored %d times, want once", want, found)
				}
			}
		},
	})
}
