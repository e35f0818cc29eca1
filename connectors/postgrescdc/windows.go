package postgrescdc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// window is a part of a snapshot read after a resume, in a snapshot taken at Point (the
// consistent point of a temporary slot): the rows of Table after Key (all of them when Key is
// empty) and every table after Table, by name. Changes to those rows committed before Point
// are in that snapshot, so the stream, which starts at the first snapshot's point, skips them.
type window struct {
	Table string   `json:"table"`
	Key   []string `json:"key"`
	Point uint64   `json:"lsn"`
}

func parseWindows(s string) ([]window, error) {
	if s == "" {
		return nil, nil
	}
	var ws []window
	if err := json.Unmarshal([]byte(s), &ws); err != nil {
		return nil, fmt.Errorf("offset field %s: %w", offsetSnapWindows, err)
	}
	return ws, nil
}

// setWindows installs the windows of the snapshot the stream follows.
func (t *Task) setWindows(ws []window) {
	t.windows, t.windowsJSON, t.windowsEnd = ws, "", 0
	if len(ws) == 0 {
		return
	}
	b, _ := json.Marshal(ws)
	t.windowsJSON = string(b)
	for _, w := range ws {
		t.windowsEnd = max(t.windowsEnd, w.Point)
	}
}

// windowsAt is what a position at lsn stores of the windows: they matter until the stream
// passes their last point.
func (t *Task) windowsAt(lsn uint64) string {
	if lsn < t.windowsEnd {
		return t.windowsJSON
	}
	return ""
}

// inSnapshot reports whether the change of a row (by its key's text) of a transaction
// committed at commitLSN is already in the part of the snapshot that covers the row.
func (t *Task) inSnapshot(ctx context.Context, tbl *table, key []string, commitLSN uint64) (bool, error) {
	if commitLSN >= t.windowsEnd {
		return false, nil
	}
	name := tbl.schema + "." + tbl.name
	for i := len(t.windows) - 1; i >= 0; i-- {
		w := t.windows[i]
		covers := w.Table < name
		if w.Table == name {
			switch {
			case len(tbl.keyCols) == 0 && len(w.Key) > 0:
				// A table without a primary key resumed after a row's ctid: a change cannot
				// be placed by its row's place, so the stream keeps every change of it (a row
				// the later snapshot also read may come twice, none is lost).
				covers = false
			case len(w.Key) == 0 || len(key) != len(w.Key):
				covers = true
			default:
				gt, err := t.keyAfter(ctx, tbl, key, w.Key)
				if err != nil {
					return false, err
				}
				covers = gt
			}
		}
		if covers {
			return commitLSN < w.Point, nil
		}
	}
	return false, nil
}

// keyAfter compares two keys with the database's ordering of the key columns' types.
func (t *Task) keyAfter(ctx context.Context, tbl *table, a, b []string) (bool, error) {
	var left, right []string
	args := make([]any, 0, 2*len(a))
	for i, c := range tbl.keyCols {
		left = append(left, fmt.Sprintf("$%d::text::%s", i+1, c.sqlType))
		right = append(right, fmt.Sprintf("$%d::text::%s", len(a)+i+1, c.sqlType))
	}
	for _, v := range a {
		args = append(args, v)
	}
	for _, v := range b {
		args = append(args, v)
	}
	var gt bool
	q := "SELECT ROW(" + strings.Join(left, ", ") + ") > ROW(" + strings.Join(right, ", ") + ")"
	if err := t.conn.QueryRow(ctx, q, args...).Scan(&gt); err != nil {
		return false, fmt.Errorf("compare keys of %s.%s: %w", tbl.schema, tbl.name, err)
	}
	return gt, nil
}
