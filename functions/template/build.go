package template

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
)

// BuildMethod is the Metadata BuildMethod every function of the template declares: sam build
// runs the Makefile's build-<LogicalId> target with ARTIFACTS_DIR set, the way SAM builds
// custom runtimes such as Go on provided.al2023.
const BuildMethod = "makefile"

// CheckBuild checks that sam build can build every AWS::Serverless::Function of the template:
// its Metadata names BuildMethod makefile, its CodeUri is a folder of fsys (the template's
// folder) holding both go.mod, so that the copy SAM builds from is a whole module, and the
// Makefile, and that Makefile has a build-<LogicalId> rule.
func (t *Template) CheckBuild(fsys fs.FS) error {
	var errs []error
	makefiles := map[string][]byte{}
	for _, name := range sortedKeys(t.Resources) {
		r := t.Resources[name]
		if r["Type"] != "AWS::Serverless::Function" {
			continue
		}
		meta, _ := r["Metadata"].(map[string]any)
		if m := meta["BuildMethod"]; m != BuildMethod {
			errs = append(errs, fmt.Errorf("%s: Metadata BuildMethod is %v, want %s", name, m, BuildMethod))
		}
		props, _ := r["Properties"].(map[string]any)
		uri, ok := props["CodeUri"].(string)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: CodeUri %v is not a folder of this repository", name, props["CodeUri"]))
			continue
		}
		dir := path.Clean(uri)
		if !fs.ValidPath(dir) {
			errs = append(errs, fmt.Errorf("%s: CodeUri %q leaves the template's folder", name, uri))
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(dir, "go.mod")); err != nil {
			errs = append(errs, fmt.Errorf("%s: CodeUri %q is not the module root: %w", name, uri, err))
		}
		mk, ok := makefiles[dir]
		if !ok {
			b, err := fs.ReadFile(fsys, path.Join(dir, "Makefile"))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: CodeUri %q has no Makefile: %w", name, uri, err))
				continue
			}
			mk, makefiles[dir] = b, b
		}
		if !hasRule(mk, "build-"+name) {
			errs = append(errs, fmt.Errorf("%s: %s has no build-%s target", name, path.Join(dir, "Makefile"), name))
		}
	}
	if len(makefiles) == 0 && len(errs) == 0 {
		return errors.New("no AWS::Serverless::Function to build")
	}
	return errors.Join(errs...)
}

// hasRule reports whether the makefile has a rule line for target: the target at the start
// of a line, alone or among others, before a single or double colon (not a := assignment).
func hasRule(makefile []byte, target string) bool {
	re := regexp.MustCompile(`(?m)^(?:[^\s:#=]+[ \t]+)*` + regexp.QuoteMeta(target) + `(?:[ \t]+[^\s:#=]+)*[ \t]*::?(?:[^=:]|$)`)
	return re.Match(makefile)
}
