package template

import (
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/connectless/connectless"

// functionPackages is what each function of template.yaml runs.
var functionPackages = map[string]string{
	"RestFunction":        "./functions/rest",
	"SchedulerFunction":   "./functions/scheduler",
	"TaskFunction":        "./functions/task",
	"IcebergTaskFunction": "./functions/icebergtask",
}

// lookMake finds make: skipped when it is missing, failed under CI=true.
func lookMake(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("make")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("make not found (CI=true): %v", err)
		}
		t.Skipf("make not found (apt-get install make): %v", err)
	}
	return p
}

// makeCmd runs the repository's Makefile the way sam build does (make --makefile Makefile
// build-<LogicalId>, the environment inherited) with a clean slate for the variables under test.
func makeCmd(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lookMake(t), append([]string{"--no-print-directory", "--makefile", "Makefile"}, args...)...)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case "ARTIFACTS_DIR", "LAMBDA_ARCHITECTURE", "GOOS", "GOARCH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// TestTemplateBuildTargets checks, with make's own dry run, that every function's
// build-<LogicalId> target exists and compiles that function's package for provided.al2023 into
// $(ARTIFACTS_DIR)/bootstrap.
func TestTemplateBuildTargets(t *testing.T) {
	tpl, err := Parse(readTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(tpl.Resources) {
		if tpl.Resources[name]["Type"] != "AWS::Serverless::Function" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			pkg, ok := functionPackages[name]
			if !ok {
				t.Fatalf("function %s: no package known for it; add it to functionPackages", name)
			}
			out, err := makeCmd(t, []string{"ARTIFACTS_DIR=/artifacts"}, "-n", "build-"+name).CombinedOutput()
			if err != nil {
				t.Fatalf("make -n build-%s: %v\n%s", name, err, out)
			}
			for _, want := range []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "-tags lambda.norpc", `-o "/artifacts/bootstrap" ` + pkg + "\n"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("make -n build-%s does not run %q:\n%s", name, want, out)
				}
			}
		})
	}
}

// TestMakeBuildTarget runs build-<LogicalId> as sam build does and checks the bootstrap it
// leaves: a static linux executable for the function's architecture, built from that function's
// package with lambda.norpc, alone in ARTIFACTS_DIR (SAM zips the whole folder). Bad input fails
// with a message and leaves nothing behind.
func TestMakeBuildTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a function: skipped with -short")
	}
	tests := []struct {
		name    string
		target  string
		env     []string
		dirVia  string // how ARTIFACTS_DIR reaches make: "env" (as sam build sets it, the default), "cmd" or "none"
		machine elf.Machine
		goarch  string
		pkg     string
		wantErr string
	}{
		{name: "arm64 by default", target: "build-TaskFunction", dirVia: "cmd",
			machine: elf.EM_AARCH64, goarch: "arm64", pkg: "functions/task"},
		{name: "x86_64 from LAMBDA_ARCHITECTURE", target: "build-RestFunction", env: []string{"LAMBDA_ARCHITECTURE=x86_64"},
			machine: elf.EM_X86_64, goarch: "amd64", pkg: "functions/rest"},
		{name: "no ARTIFACTS_DIR", target: "build-TaskFunction", dirVia: "none", wantErr: "ARTIFACTS_DIR is not set"},
		{name: "Go's name for the architecture", target: "build-TaskFunction", env: []string{"LAMBDA_ARCHITECTURE=amd64"},
			wantErr: "LAMBDA_ARCHITECTURE=amd64: want arm64 or x86_64"},
		{name: "unknown target", target: "build-TaskFunktion", wantErr: "No rule to make target 'build-TaskFunktion'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "artifacts")
			env, args := tc.env, []string{tc.target}
			switch tc.dirVia {
			case "none":
			case "cmd":
				args = append(args, "ARTIFACTS_DIR="+dir)
			default:
				env = append(env, "ARTIFACTS_DIR="+dir)
			}
			out, err := makeCmd(t, env, args...).CombinedOutput()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(string(out), tc.wantErr) {
					t.Fatalf("make %s: err %v, want a failure saying %q:\n%s", tc.target, err, tc.wantErr, out)
				}
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("a failed build left %s behind (stat: %v)", dir, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("make %s: %v\n%s", tc.target, err, out)
			}
			checkBootstrap(t, dir, tc.machine, tc.goarch, module+"/"+tc.pkg)
		})
	}
}

func checkBootstrap(t *testing.T, dir string, machine elf.Machine, goarch, pkg string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "bootstrap" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("ARTIFACTS_DIR holds %v, want only bootstrap", names)
	}
	bin := filepath.Join(dir, "bootstrap")
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 != 0o111 {
		t.Errorf("bootstrap mode %v, want an executable file", st.Mode())
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("bootstrap is not ELF: %v", err)
	}
	defer f.Close()
	if f.Machine != machine || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
		t.Errorf("bootstrap: machine %v class %v type %v, want %v ELFCLASS64 ET_EXEC", f.Machine, f.Class, f.Type, machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("bootstrap asks for a dynamic loader: want a static binary (CGO_ENABLED=0)")
		}
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatalf("bootstrap build info: %v", err)
	}
	if info.Path != pkg {
		t.Errorf("bootstrap built from %s, want %s", info.Path, pkg)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	want := map[string]string{"GOOS": "linux", "GOARCH": goarch, "CGO_ENABLED": "0", "-tags": "lambda.norpc", "-trimpath": "true"}
	for k, v := range want {
		if settings[k] != v {
			t.Errorf("bootstrap build setting %s = %q, want %q", k, settings[k], v)
		}
	}
}
