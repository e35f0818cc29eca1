package taskslice

import (
	"context"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/kafka"
	"github.com/connectless/connectless/infra/devstack/devstacktest"
)

// TestIntegrationSinkContextKafkaTransport: the sink task context offers the worker's
// producer transport (KafkaTransport), so a task producing to Kafka itself (the S3 sink's
// notifications) reaches a SASL_SSL cluster as the worker does.
func TestIntegrationSinkContextKafkaTransport(t *testing.T) {
	k := devstacktest.SecuredKafkaBroker(t, map[string]string{"alice": "alice-secret"}, "in", "notes")
	cfg, err := kafka.ParseClientConfig(map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
		"ssl.truststore.location": k.Truststore,
		"sasl.jaas.config":        `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";`})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Brokers, cfg.Timeout = k.Brokers(), 10*time.Second
	c, err := kafka.Open(t.Context(), cfg, kafka.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	task := &memSink{out: &collector{}}
	if _, err := RunSinkSlice(testContext(t), nil, SinkSlice{Task: task, Client: c, Assignment: assignment("in", 1),
		Converters: byteConverters()}); err != nil {
		t.Fatal(err)
	}
	tp, ok := task.tctx.(interface{ KafkaTransport() kafkago.RoundTripper })
	if !ok {
		t.Fatal("the sink task context has no KafkaTransport")
	}
	w := &kafkago.Writer{Addr: kafkago.TCP(k.Brokers()...), Topic: "notes", Transport: tp.KafkaTransport(),
		RequiredAcks: kafkago.RequireAll, BatchTimeout: time.Millisecond}
	defer w.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, kafkago.Message{Key: []byte("k"), Value: []byte("object written")}); err != nil {
		t.Fatalf("write through the worker's transport: %v", err)
	}
	got, err := c.Fetch(ctx, connect.TopicPartition{Topic: "notes"}, 0, kafka.FetchOptions{})
	if err != nil || len(got.Messages) != 1 || string(got.Messages[0].Value) != "object written" {
		t.Fatalf("fetch = %+v, %v", got.Messages, err)
	}
}
