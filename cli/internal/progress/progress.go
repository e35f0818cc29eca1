// Package progress shows how a wait is going: an animated progress bar on a terminal
// (schollz/progressbar), and one plain line per change otherwise, so logs and pipes get a
// readable record.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Display reports progress towards a number of instances in the target state.
type Display interface {
	// Update shows done of total and a short description of the current state.
	Update(done, total int, desc string)
	// Finish ends the display with a final line (none when msg is empty).
	Finish(msg string)
}

// New returns a bar on a terminal, plain lines otherwise.
func New(w io.Writer, terminal bool, title string) Display {
	if terminal {
		return &bar{w: w, title: title}
	}
	return &lines{w: w, title: title}
}

type lines struct {
	w     io.Writer
	title string
	last  string
}

func (l *lines) Update(done, total int, desc string) {
	line := fmt.Sprintf("%s: %d/%d %s", l.title, done, total, desc)
	if line != l.last {
		fmt.Fprintln(l.w, line)
		l.last = line
	}
}

func (l *lines) Finish(msg string) {
	if msg != "" {
		fmt.Fprintln(l.w, msg)
	}
}

type bar struct {
	w     io.Writer
	title string
	pb    *progressbar.ProgressBar
	total int
}

func (b *bar) Update(done, total int, desc string) {
	if total < 1 {
		total = 1
	}
	if b.pb == nil {
		b.pb = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription(b.title+" "+desc),
			progressbar.OptionSetWidth(20),
			progressbar.OptionShowCount(),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(0),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionClearOnFinish(),
		)
		b.total = total
	}
	if total != b.total {
		b.pb.ChangeMax(total)
		b.total = total
	}
	b.pb.Describe(b.title + " " + desc)
	_ = b.pb.Set(done)
}

func (b *bar) Finish(msg string) {
	if b.pb != nil {
		_ = b.pb.Finish()
		_ = b.pb.Clear()
	}
	if msg != "" {
		fmt.Fprintln(b.w, msg)
	}
}

// Tick is the default polling interval of a wait.
const Tick = 500 * time.Millisecond
