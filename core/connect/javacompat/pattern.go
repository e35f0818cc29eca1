package javacompat

import "strings"

// PatternQuote reads the quoted text of a Java date pattern (java.text.SimpleDateFormat's and
// Joda-Time's DateTimeFormat's rule) that starts with the quote at p[i]. A doubled quote
// stands for one quote, both outside quoted text and inside it:
//
//	''            one quote
//	'o''clock'    the text o'clock
//
// It returns the text, the index just past its closing quote, and false when the pattern
// ends before the closing quote.
func PatternQuote(p string, i int) (text string, next int, ok bool) {
	if i+1 < len(p) && p[i+1] == '\'' {
		return "'", i + 2, true
	}
	var b strings.Builder
	for j := i + 1; j < len(p); j++ {
		if p[j] != '\'' {
			b.WriteByte(p[j])
			continue
		}
		if j+1 < len(p) && p[j+1] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		return b.String(), j + 1, true
	}
	return "", len(p), false
}
