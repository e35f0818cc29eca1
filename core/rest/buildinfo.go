package rest

import (
	"runtime/debug"
)

// buildVersion and buildCommit are set by the Makefile:
//
//	-ldflags "-X github.com/connectless/connectless/core/rest.buildVersion=<git describe>
//	          -X github.com/connectless/connectless/core/rest.buildCommit=<git rev-parse>"
var buildVersion, buildCommit string

// BuildInfo returns the version and commit of this build, which GET / reports: the values the
// Makefile sets with -ldflags; otherwise what the Go toolchain recorded in the binary (the main
// module's version and its vcs.revision); otherwise "unknown".
func BuildInfo() (version, commit string) {
	version, commit = buildVersion, buildCommit
	if info, ok := debug.ReadBuildInfo(); ok {
		if version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && commit == "" {
				commit = s.Value
			}
		}
	}
	if version == "" {
		version = "unknown"
	}
	if commit == "" {
		commit = "unknown"
	}
	return version, commit
}
