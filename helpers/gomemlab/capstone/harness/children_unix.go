//go:build unix

package main

import "syscall"

// startedProcess says whether this process started another program: a child it waited for left
// its resource usage here (RUSAGE_CHILDREN), and one not waited for, running or ended, is still
// its child. The harness itself starts none.
func startedProcess() bool {
	var used syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &used); err == nil &&
		(used.Maxrss > 0 || used.Utime.Nano() > 0 || used.Stime.Nano() > 0) {
		return true
	}
	for {
		var status syscall.WaitStatus
		_, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if err != syscall.EINTR {
			return err != syscall.ECHILD
		}
	}
}
