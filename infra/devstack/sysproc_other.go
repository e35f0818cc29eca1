//go:build !linux

package devstack

import "syscall"

// setProcAttr puts the child in its own process group.
func setProcAttr(a *syscall.SysProcAttr) {
	a.Setpgid = true
}
