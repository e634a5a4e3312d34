//go:build !linux

package main

import "syscall"

// guard does nothing where there is no child subreaper: the caller kills the process group.
func guard() {}

// killDescendants kills this process group but for the reaper itself.
func killDescendants() {
	_ = syscall.Kill(0, syscall.SIGKILL) // the caller's process group; the reaper goes too
}
