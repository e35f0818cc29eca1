package datagen

import (
	"fmt"
	"strconv"
	"strings"
)

// regexGen generates strings matching a regular expression, for arg.properties "regex". It
// supports what generator schemas use: literals and escapes, character classes with ranges,
// '.', \d \w \s, groups with alternation, and the quantifiers ? * + {n} {n,} {n,m} (unbounded
// ones repeat at most maxRepeat times beyond their minimum).
type regexGen struct{ root reNode }

const maxRepeat = 5

// reNode is one part of a parsed expression.
type reNode interface {
	gen(r *rng, b []byte) []byte
}

type reLiteral string

func (l reLiteral) gen(_ *rng, b []byte) []byte { return append(b, l...) }

// reClass is a set of characters.
type reClass []rune

func (c reClass) gen(r *rng, b []byte) []byte { return append(b, string(c[r.intn(len(c))])...) }

type reSeq []reNode

func (s reSeq) gen(r *rng, b []byte) []byte {
	for _, n := range s {
		b = n.gen(r, b)
	}
	return b
}

type reAlt []reNode

func (a reAlt) gen(r *rng, b []byte) []byte { return a[r.intn(len(a))].gen(r, b) }

type reRepeat struct {
	node     reNode
	min, max int
}

func (p reRepeat) gen(r *rng, b []byte) []byte {
	n := p.min + r.intn(p.max-p.min+1)
	for range n {
		b = p.node.gen(r, b)
	}
	return b
}

func (g *regexGen) generate(r *rng) string { return string(g.root.gen(r, nil)) }

// compileRegex parses an expression for generation.
func compileRegex(expr string) (*regexGen, error) {
	p := &reParser{s: []rune(strings.TrimSuffix(strings.TrimPrefix(expr, "^"), "$"))}
	n, err := p.alternation()
	if err != nil {
		return nil, fmt.Errorf("regex %q: %w", expr, err)
	}
	if p.i < len(p.s) {
		return nil, fmt.Errorf("regex %q: unexpected %q at %d", expr, p.s[p.i], p.i)
	}
	return &regexGen{root: n}, nil
}

type reParser struct {
	s []rune
	i int
}

func (p *reParser) more() bool { return p.i < len(p.s) }

func (p *reParser) alternation() (reNode, error) {
	var alts reAlt
	for {
		seq, err := p.sequence()
		if err != nil {
			return nil, err
		}
		alts = append(alts, seq)
		if !p.more() || p.s[p.i] != '|' {
			break
		}
		p.i++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return alts, nil
}

func (p *reParser) sequence() (reNode, error) {
	var seq reSeq
	for p.more() && p.s[p.i] != '|' && p.s[p.i] != ')' {
		atom, err := p.atom()
		if err != nil {
			return nil, err
		}
		if atom, err = p.quantified(atom); err != nil {
			return nil, err
		}
		seq = append(seq, atom)
	}
	return seq, nil
}

func (p *reParser) atom() (reNode, error) {
	c := p.s[p.i]
	p.i++
	switch c {
	case '(':
		if p.i+1 < len(p.s) && p.s[p.i] == '?' && p.s[p.i+1] == ':' {
			p.i += 2
		}
		n, err := p.alternation()
		if err != nil {
			return nil, err
		}
		if !p.more() || p.s[p.i] != ')' {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return n, nil
	case '[':
		return p.class()
	case '.':
		return printable(), nil
	case '\\':
		return p.escape()
	case '*', '+', '?', '{':
		return nil, fmt.Errorf("nothing to repeat at %d", p.i-1)
	}
	return reLiteral(string(c)), nil
}

// printable is every printable ASCII character, for '.'.
func printable() reClass {
	var c reClass
	for r := ' '; r <= '~'; r++ {
		c = append(c, r)
	}
	return c
}

func (p *reParser) escape() (reNode, error) {
	if !p.more() {
		return nil, fmt.Errorf("trailing backslash")
	}
	c := p.s[p.i]
	p.i++
	switch c {
	case 'd':
		return reClass("0123456789"), nil
	case 'w':
		return reClass("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), nil
	case 's':
		return reClass(" \t"), nil
	case 'n':
		return reLiteral("\n"), nil
	case 't':
		return reLiteral("\t"), nil
	}
	return reLiteral(string(c)), nil
}

func (p *reParser) class() (reNode, error) {
	if p.more() && p.s[p.i] == '^' {
		return nil, fmt.Errorf("negated classes are not supported")
	}
	var set reClass
	for p.more() && p.s[p.i] != ']' {
		c := p.s[p.i]
		p.i++
		if c == '\\' && p.more() {
			e, err := p.escape()
			if err != nil {
				return nil, err
			}
			switch x := e.(type) {
			case reClass:
				set = append(set, x...)
			case reLiteral:
				set = append(set, []rune(string(x))...)
			}
			continue
		}
		if p.i+1 < len(p.s) && p.s[p.i] == '-' && p.s[p.i+1] != ']' {
			hi := p.s[p.i+1]
			p.i += 2
			if hi < c {
				return nil, fmt.Errorf("bad range %c-%c", c, hi)
			}
			for r := c; r <= hi; r++ {
				set = append(set, r)
			}
			continue
		}
		set = append(set, c)
	}
	if !p.more() {
		return nil, fmt.Errorf("missing ]")
	}
	p.i++
	if len(set) == 0 {
		return nil, fmt.Errorf("empty class")
	}
	return set, nil
}

func (p *reParser) quantified(n reNode) (reNode, error) {
	if !p.more() {
		return n, nil
	}
	switch p.s[p.i] {
	case '?':
		p.i++
		return reRepeat{n, 0, 1}, nil
	case '*':
		p.i++
		return reRepeat{n, 0, maxRepeat}, nil
	case '+':
		p.i++
		return reRepeat{n, 1, 1 + maxRepeat}, nil
	case '{':
		end := p.i
		for end < len(p.s) && p.s[end] != '}' {
			end++
		}
		if end == len(p.s) {
			return nil, fmt.Errorf("missing }")
		}
		body := string(p.s[p.i+1 : end])
		p.i = end + 1
		lo, hi, comma := strings.Cut(body, ",")
		min, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || min < 0 {
			return nil, fmt.Errorf("bad repetition {%s}", body)
		}
		max := min
		if comma {
			if strings.TrimSpace(hi) == "" {
				max = min + maxRepeat
			} else if max, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || max < min {
				return nil, fmt.Errorf("bad repetition {%s}", body)
			}
		}
		return reRepeat{n, min, max}, nil
	}
	return n, nil
}
