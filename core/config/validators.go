package config

import (
	"fmt"
	"slices"

	"github.com/connectless/connectless/core/connect"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// aliasValidator rejects null and duplicate aliases, as Kafka's ConnectorConfig.aliasValidator.
func aliasValidator(kind string) connect.ConfigValidator {
	return connect.CompositeValidator(connect.NonNull(), connect.ValidatorFunc(func(name string, v any) error {
		l, _ := v.([]string)
		u := slices.Clone(l)
		slices.Sort(u)
		if len(slices.Compact(u)) < len(l) {
			return &connect.ConfigError{Name: name, Value: v, Message: "Duplicate alias provided."}
		}
		return nil
	}, "unique "+kind+" aliases"))
}

// nullOr applies v only to non-null values.
func nullOr(v connect.ConfigValidator) connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, val any) error {
		if val == nil {
			return nil
		}
		return v.Validate(name, val)
	}, v.String())
}

func replicationFactor() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		if n, ok := v.(int16); ok && n != -1 && n < 1 {
			return &connect.ConfigError{Name: name, Value: v, Message: "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"}
		}
		return nil
	}, "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default")
}

func partitions() connect.ConfigValidator {
	return connect.ValidatorFunc(func(name string, v any) error {
		if n, ok := v.(int32); ok && n != -1 && n < 1 {
			return &connect.ConfigError{Name: name, Value: v, Message: "Number of partitions must be positive, or -1 to use the broker's default"}
		}
		return nil
	}, "Positive number, or -1 to use the broker's default")
}

// topicCreationGroupDef is Kafka's TopicCreationConfig for one group; the default group's
// replication factor and partitions are required.
func topicCreationGroupDef(isDefault bool) *connect.ConfigDef {
	d := connect.NewConfigDef()
	include := connect.ConfigKey{Name: "include", Type: connect.ConfigList, Default: []string{}, Importance: connect.Low,
		Doc: "A list of regular expression literals used to match the topic names used by the source connector. This list is used " +
			"to include topics that should be created using the topic settings defined by this group.",
		Width: connect.WidthLong, DisplayName: "Inclusion Topic Pattern"}
	if isDefault {
		include.Default = []string{".*"}
	}
	d.Define(include)
	d.Define(connect.ConfigKey{Name: "exclude", Type: connect.ConfigList, Default: []string{}, Importance: connect.Low,
		Doc: "A list of regular expression literals used to match the topic names used by the source connector. This list is used " +
			"to exclude topics from being created with the topic settings defined by this group. Note that exclusion rules have " +
			"precedent and override any inclusion rules for the same topic.",
		Width: connect.WidthLong, DisplayName: "Exclusion Topic Pattern"})
	rf := connect.ConfigKey{Name: "replication.factor", Type: connect.ConfigShort, Required: isDefault, Validator: replicationFactor(), Importance: connect.Low,
		Doc: "The replication factor for new topics created for this connector using this group. This value may be -1 to use the " +
			"broker's default replication factor, or may be a positive number not larger than the number of brokers in the Kafka " +
			"cluster. A value larger than the number of brokers in the Kafka cluster will result in an error when the new topic is " +
			"created. For the default group this configuration is required. For any other group defined in topic.creation.groups " +
			"this config is optional and if it's missing it gets the value of the default group",
		Width: connect.WidthLong, DisplayName: "Replication Factor for Topics"}
	np := connect.ConfigKey{Name: "partitions", Type: connect.ConfigInt, Required: isDefault, Validator: partitions(), Importance: connect.Low,
		Doc: "The number of partitions new topics created for this connector. This value may be -1 to use the broker's default " +
			"number of partitions, or a positive number representing the desired number of partitions. For the default group this " +
			"configuration is required. For any other group defined in topic.creation.groups this config is optional and if it's " +
			"missing it gets the value of the default group",
		Width: connect.WidthLong, DisplayName: "Partition Count for Topics"}
	if !isDefault {
		rf.Default, rf.Validator = nil, nullOr(rf.Validator)
		np.Default, np.Validator = nil, nullOr(np.Validator)
	}
	return d.Define(rf).Define(np)
}
