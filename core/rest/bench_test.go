package rest

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func BenchmarkServe(b *testing.B) {
	f := newFixture(b, nil)
	f.logs.discard = true
	if rec := f.do("POST", "/connectors", `{"name":"src","config":{"connector.class":"TestSource","tasks.max":"4"}}`, ""); rec.Code != 201 {
		b.Fatalf("create: %d", rec.Code)
	}
	for _, bc := range []struct{ name, method, path, body string }{
		{"status", "GET", "/connectors/src/status", ""},
		{"expand", "GET", "/connectors?expand=status&expand=info", ""},
		{"validate", "PUT", "/connector-plugins/TestSink/config/validate", `{"connector.class":"TestSink","name":"s","topics":"a","tasks.max":"3"}`},
		{"put-config", "PUT", "/connectors/src/config", `{"connector.class":"TestSource","tasks.max":"4","topic":"t"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(bc.method, bc.path, strings.NewReader(bc.body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				f.srv.ServeHTTP(rec, req)
				if rec.Code >= 300 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
