package worker

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files and returns their
// paths and a pool trusting the certificate.
func selfSigned(t *testing.T) (certPath, keyPath string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "connectless test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath, pool
}

func writeUsers(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func hash(t *testing.T, pass string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// TestHTTPSWithBasicAuth serves the API on an https listener with basic authentication:
// 401 with a challenge without or with wrong credentials, the API and /metrics with them,
// and no plain-HTTP answer on the TLS port.
func TestHTTPSWithBasicAuth(t *testing.T) {
	brokers := newKafka(t, "t", 1)
	certPath, keyPath, pool := selfSigned(t)
	props := baseProps(t, brokers)
	props["listeners"] = "https://127.0.0.1:0"
	props[KeyTLSCert], props[KeyTLSKey] = certPath, keyPath
	props[KeyBasicAuthFile] = writeUsers(t, "# operators", "alice:"+hash(t, "s3cret"), "", "bob:"+hash(t, "hunter2"))
	_, c := startWorker(t, props, testRegistry(&collector{}))
	c.http = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	for _, tc := range []struct {
		user, pass string
		path       string
		want       int
	}{
		{"", "", "/connectors", http.StatusUnauthorized},
		{"", "", "/metrics", http.StatusUnauthorized},
		{"alice", "wrong", "/connectors", http.StatusUnauthorized},
		{"mallory", "s3cret", "/connectors", http.StatusUnauthorized},
		{"alice", "s3cret", "/connectors", http.StatusOK},
		{"alice", "s3cret", "/connectors", http.StatusOK}, // served from the verified cache
		{"bob", "hunter2", "/", http.StatusOK},
		{"bob", "hunter2", "/metrics", http.StatusOK},
	} {
		c.user, c.pass = tc.user, tc.pass
		code, body := c.do("GET", tc.path, nil)
		if code != tc.want {
			t.Errorf("%s:%s GET %s = %d %v, want %d", tc.user, tc.pass, tc.path, code, body, tc.want)
		}
		if code == http.StatusUnauthorized {
			if m, _ := body.(map[string]any); m["error_code"] != float64(401) {
				t.Errorf("401 body = %v, want Kafka's error body", body)
			}
		}
	}
	req, _ := http.NewRequest("GET", c.base+"/connectors", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 without a WWW-Authenticate challenge")
	}
	plain := strings.Replace(c.base, "https://", "http://", 1)
	if resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(plain + "/connectors"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP served on the https listener")
		}
	}
}

func TestSecurityConfigErrors(t *testing.T) {
	certPath, keyPath, _ := selfSigned(t)
	good := hash(t, "pw")
	tests := []struct {
		name  string
		props map[string]string
		key   string
	}{
		{"missing cert file", map[string]string{"listeners": "https://127.0.0.1:0", KeyTLSCert: "/nonexistent.pem", KeyTLSKey: keyPath}, KeyTLSCert},
		{"key is not a key", map[string]string{"listeners": "https://127.0.0.1:0", KeyTLSCert: certPath, KeyTLSKey: certPath}, KeyTLSKey},
		{"missing users file", map[string]string{KeyBasicAuthFile: "/nonexistent"}, KeyBasicAuthFile},
		{"plain password", map[string]string{KeyBasicAuthFile: writeUsers(t, "alice:s3cret")}, KeyBasicAuthFile},
		{"no colon", map[string]string{KeyBasicAuthFile: writeUsers(t, "alice "+good)}, KeyBasicAuthFile},
		{"no users", map[string]string{KeyBasicAuthFile: writeUsers(t, "# nobody")}, KeyBasicAuthFile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{"state.backend": "memory", "listeners": "http://127.0.0.1:0"}
			for k, v := range tc.props {
				props[k] = v
			}
			w, err := New(t.Context(), props, Options{Registry: testRegistry(&collector{})})
			if err == nil {
				w.closeResources()
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("err = %v, want ErrConfig naming %s", err, tc.key)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error quotes the file's content: %v", err)
			}
		})
	}
}
