package devstack

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

// BinEnv names the environment variable holding a directory searched first for service binaries.
const BinEnv = "CONNECTLESS_BIN"

// MakeDeps is the make target that installs every binary devstack runs.
const MakeDeps = "deps"

// MissingError reports a service binary (or file) that could not be found.
type MissingError struct {
	// Binary is the name of the missing program or file.
	Binary string
	// MakeTarget is the make target that installs it.
	MakeTarget string
	// Searched lists the places that were looked at.
	Searched []string
}

// Error names the binary and the make target that installs it.
func (e *MissingError) Error() string {
	msg := fmt.Sprintf("%s not found", e.Binary)
	if len(e.Searched) > 0 {
		msg += fmt.Sprintf(" (searched %q)", e.Searched)
	}
	return msg + fmt.Sprintf(": run make %s", e.MakeTarget)
}

// RepoRoot returns the directory holding go.mod, walking up from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("repo root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repo root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// FindBinary looks a program up in $CONNECTLESS_BIN, then in <repo root>/bin, then in PATH, and
// returns its path or a *MissingError.
func FindBinary(name string) (string, error) {
	var searched []string
	if dir := os.Getenv(BinEnv); dir != "" {
		p := filepath.Join(dir, name)
		searched = append(searched, p)
		if isExecutable(p) {
			return p, nil
		}
	}
	if root, err := RepoRoot(); err == nil {
		p := filepath.Join(root, "bin", name)
		searched = append(searched, p)
		if isExecutable(p) {
			return p, nil
		}
	}
	searched = append(searched, "$PATH")
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", &MissingError{Binary: name, MakeTarget: MakeDeps, Searched: searched}
}

// findSystemBinary looks a program up in PATH, then in the given glob patterns (the last
// match in sorted order wins, so the newest versioned directory is preferred).
func findSystemBinary(name string, globs ...string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	searched := []string{"$PATH"}
	for _, g := range globs {
		matches, _ := filepath.Glob(filepath.Join(g, name))
		sort.Strings(matches)
		for i := len(matches) - 1; i >= 0; i-- {
			if isExecutable(matches[i]) {
				return matches[i], nil
			}
		}
		searched = append(searched, g)
	}
	return "", &MissingError{Binary: name, MakeTarget: MakeDeps, Searched: searched}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
