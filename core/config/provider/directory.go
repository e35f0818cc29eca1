package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Directory reads one file per key from a directory: ${dir:/run/secrets:db-password} is the
// content of /run/secrets/db-password (Kafka's DirectoryConfigProvider, handy for
// Kubernetes and Docker secrets). Keys naming anything outside the directory are skipped.
type Directory struct {
	// AllowedPaths, when not empty, lists the directories that may be read (Kafka's allowed.paths).
	AllowedPaths []string
}

// Get returns the content of each requested file of the directory at path.
func (d Directory) Get(_ context.Context, path string, keys []string) (map[string]string, error) {
	if path == "" {
		return nil, errors.New("directory provider needs a path")
	}
	if err := File(d).allowed(path); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		if k == "" || k == "." || k == ".." || strings.ContainsAny(k, `/\`) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(path, k))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %q in directory %q: %w", k, path, err)
		}
		out[k] = string(b)
	}
	return out, nil
}
