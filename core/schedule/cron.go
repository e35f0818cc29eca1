package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidSchedule is returned for an expression that is not rate(…), cron(…) or continuous.
var ErrInvalidSchedule = errors.New("invalid schedule expression")

// Schedule says when a task fires.
type Schedule interface {
	// Prev returns the latest firing at or before t; ok is false if there is none (within
	// the search horizon).
	Prev(t time.Time) (fire time.Time, ok bool)
	// String returns the expression the schedule was parsed from.
	String() string
}

// Continuous is the schedule that fires at every tick.
const Continuous = "continuous"

// Parse parses `continuous`, `rate(N unit)` or an EventBridge `cron(min hour dom month dow year)`.
// The empty string means continuous.
func Parse(expr string) (Schedule, error) {
	e := strings.TrimSpace(expr)
	switch {
	case e == "" || strings.EqualFold(e, Continuous):
		return continuous{}, nil
	case strings.HasPrefix(e, "rate(") && strings.HasSuffix(e, ")"):
		return parseRate(e)
	case strings.HasPrefix(e, "cron(") && strings.HasSuffix(e, ")"):
		return parseCron(e)
	}
	return nil, fmt.Errorf("%w %q: want continuous, rate(value unit) or cron(fields)", ErrInvalidSchedule, expr)
}

type continuous struct{}

func (continuous) Prev(t time.Time) (time.Time, bool) { return t, true }
func (continuous) String() string                     { return Continuous }

type rate struct {
	every time.Duration
	expr  string
}

func parseRate(e string) (Schedule, error) {
	parts := strings.Fields(e[len("rate(") : len(e)-1])
	if len(parts) != 2 {
		return nil, fmt.Errorf("%w %q: rate takes a value and a unit, e.g. rate(1 hour)", ErrInvalidSchedule, e)
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("%w %q: rate value must be a positive whole number", ErrInvalidSchedule, e)
	}
	var unit time.Duration
	switch strings.TrimSuffix(strings.ToLower(parts[1]), "s") {
	case "minute":
		unit = time.Minute
	case "hour":
		unit = time.Hour
	case "day":
		unit = 24 * time.Hour
	default:
		return nil, fmt.Errorf("%w %q: rate unit must be minute(s), hour(s) or day(s)", ErrInvalidSchedule, e)
	}
	return rate{every: time.Duration(n) * unit, expr: e}, nil
}

func (r rate) Prev(t time.Time) (time.Time, bool) {
	return t.UTC().Truncate(r.every), true
}

func (r rate) String() string { return r.expr }

// cron is an EventBridge cron expression: minutes hours day-of-month month day-of-week year.
type cron struct {
	expr    string
	minutes bitset // 0-59
	hours   bitset // 0-23
	months  bitset // 1-12
	years   bitset // 1970-2199, offset by 1970
	anyYear bool
	dom     domSpec
	dow     dowSpec
}

type bitset [4]uint64

func (b *bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b *bitset) has(i int) bool { return i >= 0 && i < 256 && b[i/64]&(1<<(i%64)) != 0 }
func (b *bitset) setRange(lo, hi, step int) {
	for i := lo; i <= hi; i += step {
		b.set(i)
	}
}

type domSpec struct {
	any     bool // ?
	days    bitset
	last    bool // L
	weekday int  // nW: nearest weekday to day n; 0 = none
}

type dowSpec struct {
	any     bool   // ?
	days    bitset // 1-7, SUN=1
	lastDow int    // nL: last weekday n of month; 0 = none
	nthDow  int    // n#k: weekday n
	nth     int    // k
}

var monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

func parseCron(e string) (Schedule, error) {
	f := strings.Fields(e[len("cron(") : len(e)-1])
	if len(f) != 6 {
		return nil, fmt.Errorf("%w %q: cron takes six fields: minutes hours day-of-month month day-of-week year", ErrInvalidSchedule, e)
	}
	c := &cron{expr: e}
	bad := func(field, why string) error {
		return fmt.Errorf("%w %q: %s field %q: %s", ErrInvalidSchedule, e, field, strings.ToLower(why), f[map[string]int{"minutes": 0, "hours": 1, "day-of-month": 2, "month": 3, "day-of-week": 4, "year": 5}[field]])
	}
	var err error
	if c.minutes, err = parseField(f[0], 0, 59, nil); err != nil {
		return nil, bad("minutes", err.Error())
	}
	if c.hours, err = parseField(f[1], 0, 23, nil); err != nil {
		return nil, bad("hours", err.Error())
	}
	if c.months, err = parseField(f[3], 1, 12, monthNames); err != nil {
		return nil, bad("month", err.Error())
	}
	if f[5] == "*" {
		c.anyYear = true
	} else {
		ys, err := parseField(f[5], 1970, 2199, nil)
		if err != nil {
			return nil, bad("year", err.Error())
		}
		c.years = ys
	}
	if c.dom, err = parseDOM(f[2]); err != nil {
		return nil, bad("day-of-month", err.Error())
	}
	if c.dow, err = parseDOW(f[4]); err != nil {
		return nil, bad("day-of-week", err.Error())
	}
	if c.dom.any == c.dow.any {
		return nil, fmt.Errorf("%w %q: exactly one of day-of-month and day-of-week must be ?", ErrInvalidSchedule, e)
	}
	return c, nil
}

// parseField parses a comma list of *, n, a-b, */s, a/s, a-b/s into a bitset. Values at or
// above 256 are stored offset by lo (years).
func parseField(s string, lo, hi int, names map[string]int) (bitset, error) {
	var b bitset
	off := 0
	if hi >= 256 {
		off = lo
	}
	num := func(v string) (int, error) {
		if n, ok := names[strings.ToUpper(v)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("value %q out of range %d-%d", v, lo, hi)
		}
		return n, nil
	}
	for _, part := range strings.Split(s, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n <= 0 {
				return b, fmt.Errorf("bad step %q", stepStr)
			}
			step = n
		}
		a, z := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			x, y, _ := strings.Cut(rng, "-")
			var err error
			if a, err = num(x); err != nil {
				return b, err
			}
			if z, err = num(y); err != nil {
				return b, err
			}
			if z < a {
				return b, fmt.Errorf("range %q runs backwards", rng)
			}
		default:
			n, err := num(rng)
			if err != nil {
				return b, err
			}
			a = n
			if !hasStep {
				z = n
			}
		}
		b.setRange(a-off, z-off, step)
	}
	return b, nil
}

func parseDOM(s string) (domSpec, error) {
	switch {
	case s == "?":
		return domSpec{any: true}, nil
	case s == "L":
		return domSpec{last: true}, nil
	case strings.HasSuffix(s, "W"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "W"))
		if err != nil || n < 1 || n > 31 {
			return domSpec{}, fmt.Errorf("bad weekday day %q", s)
		}
		return domSpec{weekday: n}, nil
	}
	b, err := parseField(s, 1, 31, nil)
	return domSpec{days: b}, err
}

func parseDOW(s string) (dowSpec, error) {
	switch {
	case s == "?":
		return dowSpec{any: true}, nil
	case strings.Contains(s, "#"):
		d, k, _ := strings.Cut(s, "#")
		dn, err1 := parseField(d, 1, 7, dayNames)
		n, err2 := strconv.Atoi(k)
		if err1 != nil || err2 != nil || n < 1 || n > 5 {
			return dowSpec{}, fmt.Errorf("bad nth weekday %q", s)
		}
		return dowSpec{nthDow: firstBit(dn), nth: n}, nil
	case len(s) > 1 && strings.HasSuffix(s, "L"):
		dn, err := parseField(strings.TrimSuffix(s, "L"), 1, 7, dayNames)
		if err != nil {
			return dowSpec{}, err
		}
		return dowSpec{lastDow: firstBit(dn)}, nil
	case s == "L":
		return dowSpec{lastDow: 7}, nil
	}
	b, err := parseField(s, 1, 7, dayNames)
	return dowSpec{days: b}, err
}

func firstBit(b bitset) int {
	for i := 0; i < 256; i++ {
		if b.has(i) {
			return i
		}
	}
	return 0
}

func (c *cron) String() string { return c.expr }

func (c *cron) dayMatches(d time.Time) bool {
	if !c.months.has(int(d.Month())) {
		return false
	}
	if !c.anyYear && !c.years.has(d.Year()-1970) {
		return false
	}
	lastDay := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	dow := int(d.Weekday()) + 1 // SUN=1
	if !c.dom.any {
		switch {
		case c.dom.last:
			return d.Day() == lastDay
		case c.dom.weekday > 0:
			return d.Day() == nearestWeekday(d.Year(), d.Month(), min(c.dom.weekday, lastDay))
		default:
			return c.dom.days.has(d.Day())
		}
	}
	switch {
	case c.dow.lastDow > 0:
		return dow == c.dow.lastDow && d.Day()+7 > lastDay
	case c.dow.nth > 0:
		return dow == c.dow.nthDow && (d.Day()-1)/7+1 == c.dow.nth
	default:
		return c.dow.days.has(dow)
	}
}

func nearestWeekday(y int, m time.Month, day int) int {
	t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch t.Weekday() {
	case time.Saturday:
		if day == 1 {
			return 3
		}
		return day - 1
	case time.Sunday:
		if day == last {
			return day - 2
		}
		return day + 1
	}
	return day
}

// horizon bounds the backwards search for a firing (five years, covering leap-day schedules).
const horizon = 5 * 366

func (c *cron) Prev(t time.Time) (time.Time, bool) {
	t = t.UTC().Truncate(time.Minute)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for i := 0; i < horizon; i++ {
		d := day.AddDate(0, 0, -i)
		if !c.dayMatches(d) {
			continue
		}
		maxH, maxM := 23, 59
		if i == 0 {
			maxH, maxM = t.Hour(), t.Minute()
		}
		for h := maxH; h >= 0; h-- {
			if !c.hours.has(h) {
				continue
			}
			top := 59
			if i == 0 && h == maxH {
				top = maxM
			}
			for m := top; m >= 0; m-- {
				if c.minutes.has(m) {
					return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute), true
				}
			}
		}
	}
	return time.Time{}, false
}
