package output

import (
	"bytes"
	"errors"
	"testing"
)

func TestJSONToYAML(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b":"1","a":2,"c":true}`, "b: \"1\"\na: 2\nc: true\n"},
		{`{"trace":"line one\n\tline two"}`, "trace: |-\n  line one\n  \tline two\n"},
		{`[{"x":null,"y":[]}]`, "- x: null\n  y: []\n"},
		{`{"v":"[hidden]","w":"${env:X}"}`, "v: '[hidden]'\nw: ${env:X}\n"},
	}
	for _, tc := range cases {
		got, err := JSONToYAML([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestTableAlignsColouredCells(t *testing.T) {
	var b bytes.Buffer
	p := &Printer{W: &b, Color: true}
	if err := p.Table([]string{"A", "STATE", "C"}, [][]string{{"x", p.State("RUNNING"), ""}, {"longer", p.State("FAILED"), "z"}}); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1mA\x1b[0m        \x1b[1mSTATE\x1b[0m     \x1b[1mC\x1b[0m\n" +
		"x        \x1b[32mRUNNING\x1b[0m\n" +
		"longer   \x1b[31mFAILED\x1b[0m    z\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]string{"": Table, "TABLE": Table, "json": JSON, "yml": YAML, "yaml": YAML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); !errors.Is(err, ErrFormat) {
		t.Errorf("xml: %v", err)
	}
}
