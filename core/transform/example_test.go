package transform_test

import (
	"fmt"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/transform"
)

func ExampleNewChain() {
	chain, err := transform.NewChain(transform.Builtin(), map[string]string{
		"transforms":                          "addTopic,dropTombstones,daily",
		"transforms.addTopic.type":            "org.apache.kafka.connect.transforms.InsertField$Value",
		"transforms.addTopic.topic.field":     "kafka_topic",
		"transforms.dropTombstones.type":      "Filter",
		"transforms.dropTombstones.predicate": "isTombstone",
		"transforms.daily.type":               "TimestampRouter",
		"predicates":                          "isTombstone",
		"predicates.isTombstone.type":         "RecordIsTombstone",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer chain.Close()

	r := connect.NewSinkRecord("logs", 0, 7)
	r.Value = map[string]any{"msg": "hello"}
	r.Timestamp = time.Date(2024, 3, 5, 6, 7, 8, 0, time.UTC)
	out, _ := chain.Apply(&r.Record)
	fmt.Println(out.Topic, out.Value)

	r.Value = nil
	out, _ = chain.Apply(&r.Record)
	fmt.Println(out == nil)
	// Output:
	// logs-20240305 map[kafka_topic:logs msg:hello]
	// true
}
