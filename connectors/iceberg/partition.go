package iceberg

import (
	"fmt"
	"strings"

	ice "github.com/apache/iceberg-go"

	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
)

// iceTransform maps a partition term's transform name to iceberg-go's transform.
func iceTransform(pt icebergconfig.PartitionTerm) (ice.Transform, error) {
	switch pt.Transform {
	case icebergconfig.TransformIdentity:
		return ice.IdentityTransform{}, nil
	case icebergconfig.TransformYear:
		return ice.YearTransform{}, nil
	case icebergconfig.TransformMonth:
		return ice.MonthTransform{}, nil
	case icebergconfig.TransformDay:
		return ice.DayTransform{}, nil
	case icebergconfig.TransformHour:
		return ice.HourTransform{}, nil
	case icebergconfig.TransformBucket:
		return ice.BucketTransform{NumBuckets: pt.Param}, nil
	case icebergconfig.TransformTruncate:
		return ice.TruncateTransform{Width: pt.Param}, nil
	}
	return nil, fmt.Errorf("%w: partition transform %q is not known", ErrConfig, pt.Transform)
}

// partitionSpec builds the spec of new table from its terms.
func partitionSpec(terms []string, sc *ice.Schema) (*ice.PartitionSpec, error) {
	pts, err := icebergconfig.ParsePartitionTerms(terms)
	if err != nil {
		return nil, err
	}
	var opts []ice.PartitionOption
	for _, pt := range pts {
		tr, err := iceTransform(pt)
		if err != nil {
			return nil, err
		}
		opts = append(opts, ice.AddPartitionFieldByName(pt.Source, pt.Name, tr, sc, nil))
	}
	spec, err := ice.NewPartitionSpecOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("partition spec %s: %w", strings.Join(terms, ","), err)
	}
	return &spec, nil
}
