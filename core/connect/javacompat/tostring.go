package javacompat

import (
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// ToString renders a Connect value as Java's String.valueOf does: Struct{a=1,b=x},
// [a, b], {k=v} (HashMap order), 1.0E10, BigDecimal and java.util.Date forms. A []byte is
// rendered as its UTF-8 text (Java would print an identity hash).
func ToString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case []byte:
		return string(x)
	case connect.Decimal:
		return x.JavaString()
	case time.Time:
		return x.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
	case *connect.Struct:
		var b strings.Builder
		b.WriteString("Struct{")
		first := true
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			if fv == nil {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(f.Name)
			b.WriteByte('=')
			b.WriteString(ToString(fv))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = ToString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := OrderedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + ToString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[any]any:
		keys := OrderedAnyKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = ToString(k) + "=" + ToString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case int:
		return strconv.Itoa(x)
	}
	return connect.JavaString(v)
}
