package icebergconfig

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Partition transforms, as the Apache sink's partition-by terms and Iceberg's spec name them.
const (
	TransformIdentity = "identity"
	TransformYear     = "year"
	TransformMonth    = "month"
	TransformDay      = "day"
	TransformHour     = "hour"
	TransformBucket   = "bucket"
	TransformTruncate = "truncate"
)

// PartitionTerm is one term of a partition-by list: a transform of a source column.
type PartitionTerm struct {
	Source    string // source column
	Transform string // one of the Transform* names
	Param     int    // bucket count or truncate width; 0 for the others
	Name      string // partition field name, as Java's PartitionSpec.Builder names them
}

var termRe = regexp.MustCompile(`^(\w+)\(\s*([^,()\s]+)\s*(?:,\s*(\d+)\s*)?\)$`)

// ParsePartitionTerms reads the Apache sink's partition-by syntax: col, identity(col),
// year(col), month(col), day(col), hour(col), bucket(col, N), truncate(col, W) (years,
// months, days and hours too).
func ParsePartitionTerms(terms []string) ([]PartitionTerm, error) {
	var out []PartitionTerm
	for _, t := range terms {
		t = strings.TrimSpace(t)
		m := termRe.FindStringSubmatch(t)
		if m == nil {
			if strings.ContainsAny(t, "(), ") {
				return nil, fmt.Errorf("%w: partition term %q: want col, identity(col), year|month|day|hour(col), bucket(col, N) or truncate(col, W)", ErrConfig, t)
			}
			out = append(out, PartitionTerm{Source: t, Transform: TransformIdentity, Name: t})
			continue
		}
		fn, col, arg := strings.ToLower(m[1]), m[2], m[3]
		n := 0
		if arg != "" {
			n, _ = strconv.Atoi(arg)
		}
		var pt PartitionTerm
		switch {
		case fn == "identity" && arg == "":
			pt = PartitionTerm{col, TransformIdentity, 0, col}
		case (fn == "year" || fn == "years") && arg == "":
			pt = PartitionTerm{col, TransformYear, 0, col + "_year"}
		case (fn == "month" || fn == "months") && arg == "":
			pt = PartitionTerm{col, TransformMonth, 0, col + "_month"}
		case (fn == "day" || fn == "days") && arg == "":
			pt = PartitionTerm{col, TransformDay, 0, col + "_day"}
		case (fn == "hour" || fn == "hours") && arg == "":
			pt = PartitionTerm{col, TransformHour, 0, col + "_hour"}
		case fn == "bucket" && n > 0:
			pt = PartitionTerm{col, TransformBucket, n, col + "_bucket"}
		case fn == "truncate" && n > 0:
			pt = PartitionTerm{col, TransformTruncate, n, col + "_trunc"}
		default:
			return nil, fmt.Errorf("%w: partition term %q: unknown transform or bad width", ErrConfig, t)
		}
		out = append(out, pt)
	}
	return out, nil
}
