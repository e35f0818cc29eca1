package rest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentLifecycles runs lifecycles on shared and private connectors at once: every
// answer is one Kafka gives for that call, and the final state is consistent.
func TestConcurrentLifecycles(t *testing.T) {
	f := newFixture(t, nil)
	allowed := map[string][]int{
		"POST":   {201, 409},
		"PUT":    {200, 201, 202, 204, 404},
		"GET":    {200, 404},
		"DELETE": {204, 404},
	}
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				name := "shared"
				if i%2 == 0 {
					name = fmt.Sprintf("own-%d", w)
				}
				for _, op := range []struct{ method, path, body string }{
					{"POST", "/connectors", `{"name":"` + name + `","config":{"connector.class":"TestSource","tasks.max":"2"}}`},
					{"PUT", "/connectors/" + name + "/pause", ""},
					{"GET", "/connectors/" + name + "/status", ""},
					{"PUT", "/connectors/" + name + "/config", `{"connector.class":"TestSource","tasks.max":"3"}`},
					{"PUT", "/connectors/" + name + "/stop", ""},
					{"PUT", "/connectors/" + name + "/resume", ""},
					{"GET", "/connectors?expand=status&expand=info", ""},
					{"DELETE", "/connectors/" + name, ""},
				} {
					rec := f.do(op.method, op.path, op.body, "")
					ok := false
					for _, s := range allowed[op.method] {
						ok = ok || rec.Code == s
					}
					if !ok {
						errs <- fmt.Sprintf("%s %s: %d %s", op.method, op.path, rec.Code, rec.Body)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if rec := f.do("GET", "/connectors", "", "-"); rec.Code != http.StatusOK || rec.Body.String() != "[]" {
		t.Fatalf("after every delete: %d %s", rec.Code, rec.Body)
	}
}
