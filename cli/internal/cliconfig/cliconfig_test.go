package cliconfig

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestSaveLoad(t *testing.T) {
	path := Path(t.TempDir())
	f, err := Load(path)
	if err != nil || len(f.Contexts) != 0 {
		t.Fatalf("missing file: %v %v", f, err)
	}
	f.Contexts["a"] = Context{URL: "http://a:8083", Auth: AuthBasic, Username: "u", Password: "p"}
	f.CurrentContext = "a"
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600", st.Mode(), err)
	}
	g, err := Load(path)
	if err != nil || g.CurrentContext != "a" || g.Contexts["a"] != f.Contexts["a"] {
		t.Errorf("reloaded %+v %v", g, err)
	}
	if _, err := g.Get("b"); !errors.Is(err, ErrNoContext) || !strings.Contains(err.Error(), "known: a") {
		t.Errorf("Get(b): %v", err)
	}
	if err := os.WriteFile(path, []byte("contexts: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "fix or delete the file") {
		t.Errorf("corrupt file: %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		c  Context
		ok bool
	}{
		{Context{}, true}, {Context{Auth: AuthSigV4}, true}, {Context{Auth: AuthBasic, Username: "u"}, true},
		{Context{Auth: AuthBasic}, false}, {Context{Auth: "ntlm"}, false},
	}
	for _, tc := range cases {
		if err := tc.c.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.c, err)
		}
	}
}
