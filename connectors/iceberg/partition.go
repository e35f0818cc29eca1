package iceberg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	ice "github.com/apache/iceberg-go"
)

// partitionTerm is one term of a partition-by list: a transform of a source column.
type partitionTerm struct {
	source    string
	transform ice.Transform
	name      string // partition field name, as Java's PartitionSpec.Builder names them
}

var termRe = regexp.MustCompile(`^(\w+)\(\s*([^,()\s]+)\s*(?:,\s*(\d+)\s*)?\)$`)

// parsePartitionTerms reads the Apache sink's partition-by syntax: col, identity(col),
// year(col), month(col), day(col), hour(col), bucket(col, N), truncate(col, W).
func parsePartitionTerms(terms []string) ([]partitionTerm, error) {
	var out []partitionTerm
	for _, t := range terms {
		t = strings.TrimSpace(t)
		m := termRe.FindStringSubmatch(t)
		if m == nil {
			if strings.ContainsAny(t, "(), ") {
				return nil, fmt.Errorf("%w: partition term %q: want col, identity(col), year|month|day|hour(col), bucket(col, N) or truncate(col, W)", ErrConfig, t)
			}
			out = append(out, partitionTerm{source: t, transform: ice.IdentityTransform{}, name: t})
			continue
		}
		fn, col, arg := strings.ToLower(m[1]), m[2], m[3]
		n := 0
		if arg != "" {
			n, _ = strconv.Atoi(arg)
		}
		var pt partitionTerm
		switch {
		case fn == "identity" && arg == "":
			pt = partitionTerm{col, ice.IdentityTransform{}, col}
		case (fn == "year" || fn == "years") && arg == "":
			pt = partitionTerm{col, ice.YearTransform{}, col + "_year"}
		case (fn == "month" || fn == "months") && arg == "":
			pt = partitionTerm{col, ice.MonthTransform{}, col + "_month"}
		case (fn == "day" || fn == "days") && arg == "":
			pt = partitionTerm{col, ice.DayTransform{}, col + "_day"}
		case (fn == "hour" || fn == "hours") && arg == "":
			pt = partitionTerm{col, ice.HourTransform{}, col + "_hour"}
		case fn == "bucket" && n > 0:
			pt = partitionTerm{col, ice.BucketTransform{NumBuckets: n}, col + "_bucket"}
		case fn == "truncate" && n > 0:
			pt = partitionTerm{col, ice.TruncateTransform{Width: n}, col + "_trunc"}
		default:
			return nil, fmt.Errorf("%w: partition term %q: unknown transform or bad width", ErrConfig, t)
		}
		out = append(out, pt)
	}
	return out, nil
}

// partitionSpec builds the spec of new table from its terms.
func partitionSpec(terms []string, sc *ice.Schema) (*ice.PartitionSpec, error) {
	pts, err := parsePartitionTerms(terms)
	if err != nil {
		return nil, err
	}
	var opts []ice.PartitionOption
	for _, pt := range pts {
		opts = append(opts, ice.AddPartitionFieldByName(pt.source, pt.name, pt.transform, sc, nil))
	}
	spec, err := ice.NewPartitionSpecOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("partition spec %s: %w", strings.Join(terms, ","), err)
	}
	return &spec, nil
}
