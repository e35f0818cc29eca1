// Package cliconfig keeps the CLI's named contexts, as kcctl and kubectl do: each context
// names a REST API URL and how to authenticate to it, and one of them is current. The file
// is YAML, in the user config directory (connectless/config.yaml), written with mode 0600
// because it may hold a basic-auth password.
package cliconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Auth modes.
const (
	AuthNone  = "none"
	AuthBasic = "basic"
	AuthSigV4 = "sigv4"
)

// ErrNoContext reports a context name the file does not have.
var ErrNoContext = errors.New("no such context")

// Context is one named place to talk to.
type Context struct {
	// URL of the REST API, e.g. http://localhost:8083.
	URL string `yaml:"url"`
	// Auth is none (default), basic or sigv4.
	Auth string `yaml:"auth,omitempty"`
	// Username and Password for basic authentication.
	Username string `yaml:"username,omitempty"`
	Password string `yaml:"password,omitempty"`
	// Region and Profile for SigV4; empty means the AWS SDK's default chain.
	Region  string `yaml:"region,omitempty"`
	Profile string `yaml:"profile,omitempty"`
}

// File is the configuration file.
type File struct {
	CurrentContext string             `yaml:"current-context,omitempty"`
	Contexts       map[string]Context `yaml:"contexts,omitempty"`
}

// Path returns the file's path under dir (the user config directory).
func Path(dir string) string { return filepath.Join(dir, "connectless", "config.yaml") }

// Load reads the file; a missing file is an empty configuration.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &File{Contexts: map[string]Context{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	f := &File{}
	if err := yaml.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("read config %s: %w (fix or delete the file)", path, err)
	}
	if f.Contexts == nil {
		f.Contexts = map[string]Context{}
	}
	return f, nil
}

// Save writes the file with mode 0600, creating its directory.
func (f *File) Save(path string) error {
	data, err := yaml.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write config %s: %w", path, err)
	}
	return nil
}

// Names returns the context names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Contexts))
	for n := range f.Contexts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Get returns a context by name.
func (f *File) Get(name string) (Context, error) {
	c, ok := f.Contexts[name]
	if !ok {
		return c, fmt.Errorf("%w %q (known: %s)", ErrNoContext, name, strings.Join(f.Names(), ", "))
	}
	return c, nil
}

// Validate checks a context's auth mode and its fields.
func (c Context) Validate() error {
	switch c.Auth {
	case "", AuthNone, AuthSigV4:
	case AuthBasic:
		if c.Username == "" {
			return errors.New("basic auth needs a username")
		}
	default:
		return fmt.Errorf("auth %q: use none, basic or sigv4", c.Auth)
	}
	return nil
}
