package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		golden   string
		wantCode int
	}{
		{name: "mixed", input: "mixed.jsonl", golden: "mixed.golden", wantCode: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tc.input))
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			if code := run(bytes.NewReader(in), &out, &errOut); code != tc.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.wantCode, errOut.String())
			}
			golden := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != string(want) {
				t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
			}
		})
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  int
	}{
		{name: "all pass", input: `{"Action":"pass","Package":"p","Test":"T"}` + "\n" + `{"Action":"pass","Package":"p"}`, want: 0},
		{name: "package fails without a failing test", input: `{"Action":"fail","Package":"p"}`, want: 1},
		{name: "build failure", input: `{"Action":"build-fail","ImportPath":"p"}`, want: 1},
		{name: "no events", input: "", want: 0},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		if got := run(strings.NewReader(tc.input), &out, &out); got != tc.want {
			t.Errorf("%s: exit code %d, want %d\n%s", tc.name, got, tc.want, out.String())
		}
	}
}
