package transform

import (
	"regexp"
	"strconv"
	"strings"
)

// compileJavaRegex compiles a Java regular expression for whole-string matching
// (Matcher.matches). Go's RE2 has no look-around, back-references, possessive quantifiers or
// atomic groups: such patterns are rejected with the compiler's error.
func compileJavaRegex(expr string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + expr + `)$`)
}

// javaReplacement turns a Java Matcher replacement string ($1, ${name}, \$ escapes) into a
// Go regexp.Expand template for re, with Java's errors.
func javaReplacement(re *regexp.Regexp, repl string) (string, error) {
	var b strings.Builder
	groups := re.NumSubexp()
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch c {
		case '\\':
			i++
			if i >= len(repl) {
				return "", &Error{Class: ClassIllegalArgument, Msg: "character to be escaped is missing"}
			}
			if repl[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(repl[i])
			}
		case '$':
			i++
			if i >= len(repl) {
				return "", &Error{Class: ClassIllegalArgument, Msg: "Illegal group reference: group index is missing"}
			}
			if repl[i] == '{' {
				end := strings.IndexByte(repl[i:], '}')
				if end < 0 {
					return "", &Error{Class: ClassIllegalArgument, Msg: "named capturing group is missing trailing '}'"}
				}
				name := repl[i+1 : i+end]
				if re.SubexpIndex(name) < 0 {
					return "", &Error{Class: ClassIllegalArgument, Msg: "No group with name {" + name + "}"}
				}
				b.WriteString("${" + name + "}")
				i += end
				continue
			}
			if repl[i] < '0' || repl[i] > '9' {
				return "", &Error{Class: ClassIllegalArgument, Msg: "Illegal group reference"}
			}
			// Java reads digits while the group number stays valid.
			n := int(repl[i] - '0')
			if n > groups {
				return "", &Error{Class: ClassIllegalArgument, Msg: "No group " + strconv.Itoa(n)}
			}
			for i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9' {
				next := n*10 + int(repl[i+1]-'0')
				if next > groups {
					break
				}
				n = next
				i++
			}
			b.WriteString("${" + strconv.Itoa(n) + "}")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
