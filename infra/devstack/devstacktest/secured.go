package devstacktest

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/connectless/connectless/infra/devstack"
)

// SecuredKafka is a kfake broker on SASL_SSL: its certificate is issued for 127.0.0.1 by a
// throw-away CA, and it knows SCRAM-SHA-512 users.
type SecuredKafka struct {
	*devstack.Kafka
	// Truststore is a PEM file holding the CA, for ssl.truststore.location.
	Truststore string
	// ClientTLS trusts the CA, for clients built in the test itself.
	ClientTLS *tls.Config
}

// SecuredKafkaBroker starts a broker on SASL_SSL with the SCRAM-SHA-512 users (name →
// password; the first one, by sorted name, checks readiness) and the topics, and stops it
// when the test ends.
func SecuredKafkaBroker(t testing.TB, users map[string]string, topics ...string) *SecuredKafka {
	t.Helper()
	ca, err := devstack.NewCertAuthority("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	cert, _, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	truststore := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(truststore, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.PEM())
	opts := devstack.KafkaOptions{Topics: topics,
		TLS:       &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ClientTLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	first := ""
	for u, p := range users {
		opts.SASLUsers = append(opts.SASLUsers, devstack.SASLUser{Mechanism: "SCRAM-SHA-512", User: u, Password: p})
		if first == "" || u < first {
			first = u
		}
	}
	if opts.ClientSASL, err = scram.Mechanism(scram.SHA512, first, users[first]); err != nil {
		t.Fatal(err)
	}
	return &SecuredKafka{Kafka: Kafka(t, opts), Truststore: truststore, ClientTLS: opts.ClientTLS}
}
