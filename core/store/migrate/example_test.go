package migrate_test

import (
	"context"
	"fmt"

	"github.com/connectless/connectless/core/store/memory"
	"github.com/connectless/connectless/core/store/migrate"
)

// Moving a stopped connector's offsets from a Kafka Connect cluster into a store, then back.
func Example() {
	ctx := context.Background()
	kc := migrate.Cluster{Brokers: []string{"kafka-1:9092"}} // connect-offsets, group connect-<name>
	dst := memory.New()                                      // any store.Store: dynamo, bolt, kafkatopic
	res, err := migrate.Import(ctx, kc, dst, "my-connector", migrate.Options{Source: true, Sink: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("imported %d source partitions, %d topic-partitions\n", res.SourceWritten, res.SinkWritten)

	// Later, going back: write the store's offsets as Kafka Connect records and group commits.
	_, err = migrate.Export(ctx, dst, kc, "my-connector", migrate.Options{Source: true, Sink: true, Replace: true})
	if err != nil {
		fmt.Println(err)
	}
}
