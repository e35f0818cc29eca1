package layout

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect/javacompat"
)

// jodaPart is one element of a compiled Joda-Time pattern: a literal or a field letter repeated count times.
type jodaPart struct {
	literal string
	letter  byte
	count   int
}

// JodaFormat is a compiled Joda-Time DateTimeFormat pattern (the subset path.format needs:
// G y Y x w e E D M d a K h H k m s S Z and quoted literals). Text fields use English names.
type JodaFormat []jodaPart

const jodaLetters = "GyYxweEDMdaKhHkmsSZ"

// CompileJoda parses a Joda pattern: letters repeat to set width, quoted text is literal (as
// javacompat.PatternQuote reads it), any other non-letter character is literal.
func CompileJoda(pattern string) (JodaFormat, error) {
	var out JodaFormat
	addLit := func(s string) {
		if n := len(out); n > 0 && out[n-1].letter == 0 {
			out[n-1].literal += s
			return
		}
		out = append(out, jodaPart{literal: s})
	}
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			text, next, ok := javacompat.PatternQuote(pattern, i)
			if !ok {
				return nil, fmt.Errorf("path format %q: unterminated quote", pattern)
			}
			addLit(text)
			i = next
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			if !strings.ContainsRune(jodaLetters, rune(c)) {
				return nil, fmt.Errorf("path format %q: illegal pattern component: %c", pattern, c)
			}
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			out = append(out, jodaPart{letter: c, count: j - i})
			i = j
		default:
			addLit(string(c))
			i++
		}
	}
	return out, nil
}

// Pad renders n in decimal, zero-padded to width digits (Java's String.format("%0<width>d")).
func Pad(n int64, width int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Format renders t (already in the target zone) as Joda's DateTime.toString(formatter) would.
func (f JodaFormat) Format(t time.Time) string {
	var sb strings.Builder
	for _, p := range f {
		if p.letter == 0 {
			sb.WriteString(p.literal)
			continue
		}
		n := p.count
		switch p.letter {
		case 'G':
			if t.Year() <= 0 {
				sb.WriteString("BC")
			} else {
				sb.WriteString("AD")
			}
		case 'y', 'Y', 'x':
			y := int64(t.Year())
			if p.letter == 'x' {
				wy, _ := t.ISOWeek()
				y = int64(wy)
			}
			if p.letter == 'Y' && y <= 0 {
				y = 1 - y // year of era
			}
			if n == 2 {
				sb.WriteString(Pad(((y%100)+100)%100, 2))
			} else {
				sb.WriteString(Pad(y, n))
			}
		case 'w':
			_, w := t.ISOWeek()
			sb.WriteString(Pad(int64(w), n))
		case 'e':
			sb.WriteString(Pad(int64((int(t.Weekday())+6)%7+1), n))
		case 'E':
			name := t.Weekday().String()
			if n < 4 {
				name = name[:3]
			}
			sb.WriteString(name)
		case 'D':
			sb.WriteString(Pad(int64(t.YearDay()), n))
		case 'M':
			switch {
			case n >= 4:
				sb.WriteString(t.Month().String())
			case n == 3:
				sb.WriteString(t.Month().String()[:3])
			default:
				sb.WriteString(Pad(int64(t.Month()), n))
			}
		case 'd':
			sb.WriteString(Pad(int64(t.Day()), n))
		case 'a':
			if t.Hour() < 12 {
				sb.WriteString("AM")
			} else {
				sb.WriteString("PM")
			}
		case 'K':
			sb.WriteString(Pad(int64(t.Hour()%12), n))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			sb.WriteString(Pad(int64(h), n))
		case 'H':
			sb.WriteString(Pad(int64(t.Hour()), n))
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			sb.WriteString(Pad(int64(h), n))
		case 'm':
			sb.WriteString(Pad(int64(t.Minute()), n))
		case 's':
			sb.WriteString(Pad(int64(t.Second()), n))
		case 'S':
			ms := Pad(int64(t.Nanosecond()/1e6), 3)
			if n <= 3 {
				sb.WriteString(ms[:n])
			} else {
				sb.WriteString(ms + strings.Repeat("0", n-3))
			}
		case 'Z':
			_, off := t.Zone()
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			h, m := off/3600, off%3600/60
			switch {
			case off == 0 && n <= 2:
				sb.WriteString("Z")
			case n == 1:
				sb.WriteString(sign + Pad(int64(h), 2) + Pad(int64(m), 2))
			default:
				sb.WriteString(sign + Pad(int64(h), 2) + ":" + Pad(int64(m), 2))
			}
		}
	}
	return sb.String()
}

// hasText reports whether the pattern writes names (era, day of week, month as text, AM/PM),
// which depend on the locale.
func (f JodaFormat) hasText() bool {
	for _, p := range f {
		if p.letter == 'G' || p.letter == 'E' || p.letter == 'a' || p.letter == 'M' && p.count >= 3 {
			return true
		}
	}
	return false
}
