package transform

import (
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect/javacompat"
)

const millisPerDay = 24 * 60 * 60 * 1000

// javaDateString is Values.dateFormatFor(date).format(date), in UTC: a time of day when the
// instant is within the first day after the epoch, a date when it is a whole day, else both.
func javaDateString(t time.Time) string {
	ms := t.UnixMilli()
	u := t.UTC()
	switch {
	case ms < millisPerDay:
		return u.Format("15:04:05.000Z")
	case ms%millisPerDay == 0:
		return u.Format("2006-01-02")
	}
	return u.Format("2006-01-02T15:04:05.000Z")
}

// dateFormat is a compiled java.text.SimpleDateFormat pattern, always in UTC.
type dateFormat struct {
	pattern string
	toks    []dfTok
	// layout, when the pattern maps exactly onto a Go layout, is used to format fast.
	layout string
}

type dfTok struct {
	letter byte // 0 for literal text
	count  int
	text   string
}

const dfLetters = "GyYMLwWDdFEuaHkKhmsSzZX"

// newDateFormat compiles a SimpleDateFormat pattern; errors carry Java's messages.
func newDateFormat(p string) (*dateFormat, error) {
	df := &dateFormat{pattern: p}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			text, next, ok := javacompat.PatternQuote(p, i)
			if !ok {
				return nil, &Error{Class: ClassIllegalArgument, Msg: "Unterminated quote"}
			}
			df.toks = append(df.toks, dfTok{text: text})
			i = next
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			if !strings.ContainsRune(dfLetters, rune(c)) {
				return nil, &Error{Class: ClassIllegalArgument, Msg: "Illegal pattern character '" + string(c) + "'"}
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			df.toks = append(df.toks, dfTok{letter: c, count: j - i})
			i = j
		default:
			df.toks = append(df.toks, dfTok{text: string(c)})
			i++
		}
	}
	if p == "yyyyMMdd" {
		df.layout = "20060102"
	}
	return df, nil
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

func pad(n, width int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// format renders t (in UTC) with the pattern.
func (df *dateFormat) format(t time.Time) string {
	t = t.UTC()
	if df.layout != "" && t.Year() > 0 && t.Year() < 10000 {
		return t.Format(df.layout)
	}
	var b strings.Builder
	for _, tk := range df.toks {
		if tk.letter == 0 {
			b.WriteString(tk.text)
			continue
		}
		n := tk.count
		switch tk.letter {
		case 'G':
			if t.Year() > 0 {
				b.WriteString("AD")
			} else {
				b.WriteString("BC")
			}
		case 'y', 'Y':
			y := t.Year()
			if y <= 0 {
				y = 1 - y
			}
			if n == 2 {
				b.WriteString(pad(y%100, 2))
			} else {
				b.WriteString(pad(y, n))
			}
		case 'M', 'L':
			switch {
			case n >= 4:
				b.WriteString(monthNames[t.Month()-1])
			case n == 3:
				b.WriteString(monthNames[t.Month()-1][:3])
			default:
				b.WriteString(pad(int(t.Month()), n))
			}
		case 'w':
			_, w := t.ISOWeek()
			b.WriteString(pad(w, n))
		case 'W':
			b.WriteString(pad((t.Day()+int(t.AddDate(0, 0, 1-t.Day()).Weekday())-1)/7+1, n))
		case 'D':
			b.WriteString(pad(t.YearDay(), n))
		case 'd':
			b.WriteString(pad(t.Day(), n))
		case 'F':
			b.WriteString(pad((t.Day()-1)/7+1, n))
		case 'E':
			if n >= 4 {
				b.WriteString(dayNames[t.Weekday()])
			} else {
				b.WriteString(dayNames[t.Weekday()][:3])
			}
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			b.WriteString(pad(wd, n))
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'H':
			b.WriteString(pad(t.Hour(), n))
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			b.WriteString(pad(h, n))
		case 'K':
			b.WriteString(pad(t.Hour()%12, n))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(pad(h, n))
		case 'm':
			b.WriteString(pad(t.Minute(), n))
		case 's':
			b.WriteString(pad(t.Second(), n))
		case 'S':
			b.WriteString(pad(t.Nanosecond()/1e6, n))
		case 'z':
			if n >= 4 {
				b.WriteString("Coordinated Universal Time")
			} else {
				b.WriteString("UTC")
			}
		case 'Z':
			b.WriteString("+0000")
		case 'X':
			b.WriteString("Z")
		}
	}
	return b.String()
}

func isNumericLetter(c byte) bool {
	return strings.IndexByte("yYMLwWDdFuHkKhmsS", c) >= 0
}

// parse reads a date from the start of s as SimpleDateFormat.parse(String) does (lenient,
// trailing text ignored); ok is false when s does not match.
func (df *dateFormat) parse(s string) (time.Time, bool) {
	year, month, day, hour, minute, sec, milli := 1970, 1, 1, 0, 0, 0, 0
	pm, hasAmPm, hour12 := false, false, false
	offset := 0
	pos := 0
	for i, tk := range df.toks {
		if tk.letter == 0 {
			if !strings.HasPrefix(s[pos:], tk.text) {
				return time.Time{}, false
			}
			pos += len(tk.text)
			continue
		}
		numeric := isNumericLetter(tk.letter) && !((tk.letter == 'M' || tk.letter == 'L') && tk.count >= 3)
		if numeric {
			// An abutting numeric field takes exactly count digits, as SimpleDateFormat does.
			limit := len(s)
			if i+1 < len(df.toks) && df.toks[i+1].letter != 0 && isNumericLetter(df.toks[i+1].letter) {
				limit = min(len(s), pos+tk.count)
			}
			j := pos
			if j < limit && (s[j] == '-' || s[j] == '+') && (tk.letter == 'y' || tk.letter == 'Y') {
				j++
			}
			for j < limit && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == pos {
				return time.Time{}, false
			}
			v, err := strconv.Atoi(s[pos:j])
			if err != nil {
				return time.Time{}, false
			}
			if (tk.letter == 'y' || tk.letter == 'Y') && tk.count <= 2 && j-pos == 2 {
				v += 2000 // Java picks the century within 80 years before / 20 after now; close enough for 2-digit years near today.
				if v > time.Now().Year()+20 {
					v -= 100
				}
			}
			pos = j
			switch tk.letter {
			case 'y', 'Y':
				year = v
			case 'M', 'L':
				month = v
			case 'd':
				day = v
			case 'D':
				month, day = 1, v
			case 'H':
				hour = v
			case 'k':
				hour = v % 24
			case 'K':
				hour, hour12 = v, true
			case 'h':
				hour, hour12 = v%12, true
			case 'm':
				minute = v
			case 's':
				sec = v
			case 'S':
				milli = v
			}
			continue
		}
		switch tk.letter {
		case 'M', 'L':
			found := false
			for mi, name := range monthNames {
				for _, cand := range []string{name, name[:3]} {
					if len(s)-pos >= len(cand) && strings.EqualFold(s[pos:pos+len(cand)], cand) {
						month, pos, found = mi+1, pos+len(cand), true
						break
					}
				}
				if found {
					break
				}
			}
			if !found {
				return time.Time{}, false
			}
		case 'E':
			found := false
			for _, name := range dayNames {
				for _, cand := range []string{name, name[:3]} {
					if len(s)-pos >= len(cand) && strings.EqualFold(s[pos:pos+len(cand)], cand) {
						pos, found = pos+len(cand), true
						break
					}
				}
				if found {
					break
				}
			}
			if !found {
				return time.Time{}, false
			}
		case 'a':
			switch {
			case len(s)-pos >= 2 && strings.EqualFold(s[pos:pos+2], "AM"):
				hasAmPm = true
			case len(s)-pos >= 2 && strings.EqualFold(s[pos:pos+2], "PM"):
				hasAmPm, pm = true, true
			default:
				return time.Time{}, false
			}
			pos += 2
		case 'G':
			if len(s)-pos >= 2 && (s[pos:pos+2] == "AD" || s[pos:pos+2] == "BC") {
				pos += 2
			} else {
				return time.Time{}, false
			}
		case 'z', 'Z', 'X':
			off, n, ok := parseZone(s[pos:])
			if !ok {
				return time.Time{}, false
			}
			offset, pos = off, pos+n
		}
	}
	if hasAmPm && pm && (hour12 || hour < 12) {
		hour += 12
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC).Add(time.Duration(milli) * time.Millisecond)
	return t.Add(-time.Duration(offset) * time.Second), true
}

// parseZone reads "Z", "UTC", "GMT", or a +hh[:]mm / +hh offset; it returns seconds east.
func parseZone(s string) (off, n int, ok bool) {
	for _, name := range []string{"UTC", "GMT", "Z"} {
		if strings.HasPrefix(s, name) {
			n = len(name)
			s = s[n:]
			if name == "Z" || len(s) == 0 || (s[0] != '+' && s[0] != '-') {
				return 0, n, true
			}
		}
	}
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, 0, n > 0
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	h, err := strconv.Atoi(s[1:3])
	if err != nil {
		return 0, 0, false
	}
	m, used := 0, 3
	rest := s[3:]
	if strings.HasPrefix(rest, ":") {
		rest, used = rest[1:], used+1
	}
	if len(rest) >= 2 {
		if mm, err := strconv.Atoi(rest[:2]); err == nil {
			m, used = mm, used+2
		}
	}
	return sign * (h*3600 + m*60), n + used, true
}
