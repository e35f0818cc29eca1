package main

import (
	"strings"
	"testing"
)

func TestInterspersedFlags(t *testing.T) {
	app := newApp(newEnv())
	cases := []struct{ in, want string }{
		{"get tasks c1 -o json", "get tasks -o json c1"},
		{"--url http://x get tasks c1 --output=yaml", "--url http://x get tasks --output=yaml c1"},
		{"delete connector a b --url http://x", "delete connector --url http://x a b"},
		{"restart connector c1 --include-tasks --wait", "restart connector --include-tasks --wait c1"},
		{"patch connector c1 --set a=1 --unset b", "patch connector --set a=1 --unset b c1"},
		{"apply -f - --dry-run", "apply -f - --dry-run"},
		{"get tasks -- -weird-name -o", "get tasks -- -weird-name -o"},
		{"frob x -o json", "frob x -o json"},
	}
	for _, tc := range cases {
		got := interspersed(app, append([]string{"connectless"}, strings.Fields(tc.in)...))
		if strings.Join(got[1:], " ") != tc.want {
			t.Errorf("%q -> %q, want %q", tc.in, strings.Join(got[1:], " "), tc.want)
		}
	}
}
