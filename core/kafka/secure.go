package kafka

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	signer "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/aws_msk_iam_v2"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// BuildOptions are what Security.Build needs besides the parsed keys.
type BuildOptions struct {
	// AWSConfig loads the AWS configuration whose credentials and region sign AWS_MSK_IAM
	// authentication; nil means the SDK's default chain (environment, shared files, role).
	AWSConfig func(ctx context.Context) (aws.Config, error)
}

// Build loads the trust and key stores and makes the TLS configuration and SASL mechanism
// of s. Errors wrap ErrConfig and name the key to fix.
func (s Security) Build(ctx context.Context, opts BuildOptions) (*tls.Config, sasl.Mechanism, error) {
	var tc *tls.Config
	if s.TLS() {
		var err error
		if tc, err = s.tlsConfig(); err != nil {
			return nil, nil, err
		}
	}
	if !s.SASL() {
		return tc, nil, nil
	}
	switch s.Mechanism {
	case MechanismPlain:
		return tc, &tracked{Mechanism: plain.Mechanism{Username: s.Username, Password: s.Password}}, nil
	case MechanismSCRAMSHA256, MechanismSCRAMSHA512:
		algo := scram.SHA512
		if s.Mechanism == MechanismSCRAMSHA256 {
			algo = scram.SHA256
		}
		m, err := scram.Mechanism(algo, s.Username, s.Password)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %w", ErrConfig, s.key(KeySASLJAASConfig), err)
		}
		return tc, &tracked{Mechanism: m}, nil
	case MechanismAWSMSKIAM:
		m, err := MSKIAM(ctx, opts.AWSConfig)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %s AWS_MSK_IAM: %w", ErrConfig, s.key(KeySASLMechanism), err)
		}
		return tc, &tracked{Mechanism: m}, nil
	}
	return nil, nil, fmt.Errorf("%w: %s: %q", ErrConfig, s.key(KeySASLMechanism), s.Mechanism)
}

// MSKIAM returns kafka-go's AWS_MSK_IAM mechanism signing with the credentials and region
// of the AWS configuration (the SDK's default chain when load is nil).
func MSKIAM(ctx context.Context, load func(ctx context.Context) (aws.Config, error)) (*aws_msk_iam_v2.Mechanism, error) {
	if load == nil {
		load = func(ctx context.Context) (aws.Config, error) { return awsconfig.LoadDefaultConfig(ctx) }
	}
	cfg, err := load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: set AWS_REGION to the cluster's region")
	}
	if cfg.Credentials == nil {
		return nil, errors.New("no AWS credentials in the SDK's default chain")
	}
	return &aws_msk_iam_v2.Mechanism{Signer: signer.NewSigner(), Credentials: cfg.Credentials, Region: cfg.Region}, nil
}

func (s Security) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TruststoreLocation != "" {
		pool, err := loadTruststore(s.TruststoreLocation)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, s.key(KeyTruststoreLocation), err)
		}
		tc.RootCAs = pool
	}
	if s.KeystoreLocation != "" {
		cert, err := loadKeystore(s.KeystoreLocation, s.KeyPassword)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, s.key(KeyKeystoreLocation), err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if !s.VerifyHost {
		// Verify the chain but not the host name, as Kafka does with
		// ssl.endpoint.identification.algorithm set empty.
		roots := tc.RootCAs
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return tc, nil
}

// javaMagic starts a JKS (0xFEEDFEED) or JCEKS (0xCECECECE) key store; PKCS#12 files start
// with an ASN.1 SEQUENCE (0x30).
var javaMagic = [][]byte{{0xFE, 0xED, 0xFE, 0xED}, {0xCE, 0xCE, 0xCE, 0xCE}}

func notPEM(b []byte) error {
	for _, m := range javaMagic {
		if bytes.HasPrefix(b, m) {
			return errors.New("this is a JKS key store, which is not supported: convert it to PEM (keytool -exportcert -rfc for certificates, or keytool -importkeystore to PKCS12 then openssl pkcs12 -nodes)")
		}
	}
	if len(b) > 0 && b[0] == 0x30 {
		return errors.New("this is a PKCS12 (or DER) file, which is not supported: convert it to PEM (openssl pkcs12 -nodes, or openssl x509 -inform der)")
	}
	return errors.New("no PEM block found: the file must be PEM (-----BEGIN CERTIFICATE-----)")
}

func loadTruststore(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", n+1, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, notPEM(b)
	}
	return pool, nil
}

func loadKeystore(path, password string) (tls.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return tls.Certificate{}, err
	}
	var certs, key []byte
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		switch {
		case blk.Type == "CERTIFICATE":
			certs = append(certs, pem.EncodeToMemory(blk)...)
		case blk.Type == "ENCRYPTED PRIVATE KEY":
			return tls.Certificate{}, errors.New("encrypted PKCS#8 keys are not supported: decrypt it (openssl pkcs8 -in key.pem -nocrypt) and drop ssl.key.password")
		case strings.HasSuffix(blk.Type, "PRIVATE KEY"):
			//lint:ignore SA1019 legacy PEM encryption is the one Go can read; ssl.key.password decrypts it
			if x509.IsEncryptedPEMBlock(blk) { //nolint:staticcheck
				if password == "" {
					return tls.Certificate{}, errors.New("the private key is encrypted: set ssl.key.password")
				}
				//lint:ignore SA1019 legacy PEM encryption is the one Go can read; ssl.key.password decrypts it
				der, err := x509.DecryptPEMBlock(blk, []byte(password)) //nolint:staticcheck
				if err != nil {
					return tls.Certificate{}, fmt.Errorf("decrypt private key (check ssl.key.password): %w", err)
				}
				blk = &pem.Block{Type: blk.Type, Bytes: der}
			}
			key = pem.EncodeToMemory(blk)
		}
	}
	if certs == nil && key == nil {
		return tls.Certificate{}, notPEM(b)
	}
	if key == nil || certs == nil {
		return tls.Certificate{}, errors.New("want one PEM file with the private key and the certificate chain")
	}
	return tls.X509KeyPair(certs, key)
}

// ErrConnect is wrapped by the errors Explain gives for a failure to reach or authenticate
// with the brokers that a client property can fix.
var ErrConnect = errors.New("cannot connect to kafka")

// Explain turns a connection failure into one error naming the client key to fix, or returns
// err unchanged when no key explains it. s gives the key prefix.
func (s Security) Explain(err error) error { return s.explain(err, false) }

// explain is Explain knowing whether a SASL exchange was cut before it finished (a broker
// may close the connection instead of answering SASL_AUTHENTICATION_FAILED).
func (s Security) explain(err error, authCut bool) error {
	if err == nil {
		return nil
	}
	eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
	var (
		unknownCA *x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   *tls.CertificateVerificationError
		recErr    tls.RecordHeaderError
	)
	hint := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %w", ErrConnect, fmt.Sprintf(format, args...), err)
	}
	switch {
	case errors.As(err, &hostErr):
		return hint("the broker's certificate is not valid for host %q: use in bootstrap.servers a name the certificate holds, or set %s= (empty) to skip the host name check", hostErr.Host, s.key(KeyEndpointIdentification))
	case errors.As(err, &unknownCA), errors.As(err, &certErr):
		return hint("the broker's certificate is not trusted: set %s to a PEM file with the CA that signed it", s.key(KeyTruststoreLocation))
	case errors.As(err, &recErr):
		return hint("the broker does not speak TLS on this port: check %s (%s)", s.key(KeySecurityProtocol), s.Protocol)
	case errors.Is(err, kafkago.SASLAuthenticationFailed), authCut && eof:
		return hint("authentication failed: check the username and password in %s", s.key(KeySASLJAASConfig))
	case errors.Is(err, kafkago.UnsupportedSASLMechanism):
		return hint("the broker does not enable %s: check %s", s.Mechanism, s.key(KeySASLMechanism))
	case errors.Is(err, kafkago.IllegalSASLState):
		return hint("the broker expects SASL: check %s (%s)", s.key(KeySecurityProtocol), s.Protocol)
	case eof && s.TLS():
		return hint("the broker closed the connection during the TLS handshake: check %s (%s) and the broker's listener", s.key(KeySecurityProtocol), s.Protocol)
	case eof:
		return hint("the broker closed the connection: it may need TLS or SASL, check %s (%s)", s.key(KeySecurityProtocol), s.Protocol)
	}
	return err
}

// tracked is a SASL mechanism that counts the exchanges begun and finished, so that a
// connection the broker closes in the middle of one is explained as an authentication
// failure.
type tracked struct {
	sasl.Mechanism
	begun, finished atomic.Int64
}

// Start begins an exchange.
func (t *tracked) Start(ctx context.Context) (sasl.StateMachine, []byte, error) {
	sm, ir, err := t.Mechanism.Start(ctx)
	if err != nil {
		return nil, nil, err
	}
	t.begun.Add(1)
	return &trackedState{StateMachine: sm, t: t}, ir, nil
}

// cut reports whether an exchange began and did not finish.
func (t *tracked) cut() bool { return t != nil && t.begun.Load() > t.finished.Load() }

type trackedState struct {
	sasl.StateMachine
	t *tracked
}

// Next steps the exchange.
func (s *trackedState) Next(ctx context.Context, challenge []byte) (bool, []byte, error) {
	done, resp, err := s.StateMachine.Next(ctx, challenge)
	if done || err != nil {
		s.t.finished.Add(1)
	}
	return done, resp, err
}

// explainer returns the explanation of connection errors for connections secured by sec
// with mechanism m (as Build made it).
func explainer(sec Security, m sasl.Mechanism) func(error) error {
	t, _ := m.(*tracked)
	return func(err error) error { return sec.explain(err, t.cut()) }
}

// Explain turns a failure of a connection made with these options into one error naming the
// client key to fix (see Security.Explain), or returns err unchanged.
func (o Options) Explain(err error) error { return explainer(o.Security, o.SASL)(err) }
