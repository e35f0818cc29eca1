package devstack

import "syscall"

// setProcAttr puts the child in its own process group and has the kernel kill it when the
// starting process dies, so that no service outlives a crashed test binary.
func setProcAttr(a *syscall.SysProcAttr) {
	a.Setpgid = true
	a.Pdeathsig = syscall.SIGKILL
}
