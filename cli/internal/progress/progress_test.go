package progress

import (
	"bytes"
	"testing"
)

func TestLinesOffTerminal(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, false, "waiting for c to be RUNNING")
	d.Update(0, 3, "no status yet")
	d.Update(0, 3, "no status yet") // unchanged: not repeated
	d.Update(2, 3, "connector RUNNING, 1/2 tasks RUNNING")
	d.Finish("connector/c is RUNNING")
	d.Finish("")
	want := "waiting for c to be RUNNING: 0/3 no status yet\n" +
		"waiting for c to be RUNNING: 2/3 connector RUNNING, 1/2 tasks RUNNING\n" +
		"connector/c is RUNNING\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestBarRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, true, "waiting")
	d.Update(1, 4, "a")
	d.Update(3, 5, "b")
	d.Finish("done")
	out := b.String()
	if !bytes.Contains(b.Bytes(), []byte("\r")) || !bytes.Contains(b.Bytes(), []byte("(3/5")) || !bytes.HasSuffix(b.Bytes(), []byte("done\n")) {
		t.Errorf("bar output %q", out)
	}
}
