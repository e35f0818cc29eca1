package rest

import (
	"encoding/json"
	"testing"
)

// TestRootReportsBuild: GET / shows the version and commit the Makefile sets with -ldflags
// when the worker gives none, and "unknown" when neither the flags nor the binary say.
func TestRootReportsBuild(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range []struct{ version, commit, wantVersion, wantCommit string }{
		{"v1.4.0", "0123456789abcdef", "v1.4.0", "0123456789abcdef"},
		{"", "", "unknown", "unknown"}, // a test binary records no module version or revision
	} {
		buildVersion, buildCommit = tc.version, tc.commit
		srv := New(f.h, Options{KafkaClusterID: "abc"})
		f.srv = srv
		rec := f.do("GET", "/", "", "")
		var got struct {
			Version, Commit string
			Cluster         *string `json:"kafka_cluster_id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Version != tc.wantVersion || got.Commit != tc.wantCommit || got.Cluster == nil || *got.Cluster != "abc" {
			t.Errorf("GET / = %s, want version %s commit %s", rec.Body, tc.wantVersion, tc.wantCommit)
		}
	}
	buildVersion, buildCommit = "", ""
}
