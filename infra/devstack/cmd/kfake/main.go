// Command kfake runs franz-go's kfake Kafka broker on 127.0.0.1 until it gets SIGTERM or SIGINT.
// It prints "kfake listening on HOST:PORT" once the broker accepts connections. devstack starts
// it for tests that need a broker in another process (one they can kill).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/connectless/connectless/infra/devstack"
)

func main() {
	var opts devstack.KafkaOptions
	var topics string
	flag.IntVar(&opts.Port, "port", 0, "port on 127.0.0.1 to listen on; 0 picks a free port")
	flag.IntVar(&opts.Partitions, "partitions", 1, "partitions per seeded or auto-created topic")
	flag.StringVar(&topics, "topics", "", "comma-separated topics to create at start")
	flag.BoolVar(&opts.AutoCreateTopics, "auto-create-topics", false, "let metadata requests create missing topics")
	flag.Parse()
	if topics != "" {
		opts.Topics = strings.Split(topics, ",")
	}
	if err := run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "kfake:", err)
		os.Exit(1)
	}
}

func run(opts devstack.KafkaOptions) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	k, err := devstack.StartKafka(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Printf("kfake listening on %s\n", k.Addr())
	<-ctx.Done()
	return k.Close()
}
