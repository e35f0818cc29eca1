package worker

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// LoadBasicAuth reads a file of "user:bcrypt-hash" lines, the format of `htpasswd -B`; blank
// lines and lines starting with '#' are skipped. Errors give the line number, never content.
func LoadBasicAuth(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read basic auth file: %w", err)
	}
	defer f.Close()
	users := map[string][]byte{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		user, hash, ok := strings.Cut(line, ":")
		if !ok || user == "" {
			return nil, fmt.Errorf("basic auth file %q: line %d: want user:bcrypt-hash", path, n)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("basic auth file %q: line %d: not a bcrypt hash: %w", path, n, err)
		}
		users[user] = []byte(hash)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("basic auth file %q: %w", path, err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("basic auth file %q: no users", path)
	}
	return users, nil
}

// BasicAuth is HTTP basic authentication in front of a handler: a request without valid
// credentials gets 401 with a WWW-Authenticate challenge and Kafka Connect's error body.
type BasicAuth struct {
	users map[string][]byte
	next  http.Handler
	// verified caches digests of credentials that passed bcrypt, so that a client does not
	// pay bcrypt's cost on every request.
	mu       sync.Mutex
	verified map[string][sha256.Size]byte
	// dummy is a hash of the users' cost, compared against for unknown users so that they
	// take as long as known ones.
	dummy []byte
}

// NewBasicAuth returns next guarded by the users' bcrypt hashes.
func NewBasicAuth(users map[string][]byte, next http.Handler) *BasicAuth {
	b := &BasicAuth{users: users, next: next, verified: map[string][sha256.Size]byte{}}
	cost := bcrypt.DefaultCost
	for _, h := range users {
		if c, err := bcrypt.Cost(h); err == nil {
			cost = c
		}
		break
	}
	var random [16]byte
	_, _ = rand.Read(random[:])
	b.dummy, _ = bcrypt.GenerateFromPassword([]byte(hex.EncodeToString(random[:])), cost)
	return b
}

// ServeHTTP checks the credentials and calls the guarded handler.
func (b *BasicAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || !b.check(user, pass) {
		w.Header().Set("WWW-Authenticate", `Basic realm="connectless", charset="UTF-8"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(errorBody(http.StatusUnauthorized, "Unauthorized: valid credentials are required"))
		return
	}
	b.next.ServeHTTP(w, r)
}

func (b *BasicAuth) check(user, pass string) bool {
	hash, ok := b.users[user]
	if !ok {
		// Spend the same time as for a known user.
		_ = bcrypt.CompareHashAndPassword(b.dummy, []byte(pass))
		return false
	}
	digest := sha256.Sum256([]byte(pass))
	b.mu.Lock()
	known, cached := b.verified[user]
	b.mu.Unlock()
	if cached && subtle.ConstantTimeCompare(known[:], digest[:]) == 1 {
		return true
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pass)) != nil {
		return false
	}
	b.mu.Lock()
	b.verified[user] = digest
	b.mu.Unlock()
	return true
}
