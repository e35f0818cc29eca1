package resttest

import "testing"

func TestCurlExamples(t *testing.T) {
	got := CurlExamples(t, "testdata/examples.md", 2)
	want := []string{
		"curl -s $URL/",
		`curl -s -X PUT -H "$JSON" $URL/connectors/a/config   -d '{"a":"b"}'`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d examples %q, want %q", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("example %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestUndocumented(t *testing.T) {
	for _, tc := range []struct {
		code int
		body string
		want bool
	}{
		{200, `{}`, false},
		{201, `{}`, false},
		{404, `{"error_code":404,"message":"Connector a not found"}`, false},
		{404, `{"error_code":404,"message":"HTTP 404 Not Found"}`, true},
		{405, ``, true},
		{415, ``, true},
		{500, ``, true},
		{503, ``, true},
	} {
		if got := Undocumented(tc.code, []byte(tc.body)); got != tc.want {
			t.Errorf("Undocumented(%d, %q) = %v, want %v", tc.code, tc.body, got, tc.want)
		}
	}
}
