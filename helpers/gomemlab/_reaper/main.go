// Command reaper runs one command and makes sure that nothing it started outlives it.
//
//	reaper -- PROGRAM ARGS...
//
// It becomes a child subreaper (Linux), so every process the command starts, even one that
// leaves the process group with setsid, stays its descendant. When the command exits, or when
// the reaper gets SIGTERM, SIGINT or SIGHUP, or when its parent dies (PR_SET_PDEATHSIG), it
// kills every descendant and reaps them, then exits as the command did.
// Standard input, output and error are handed to the command as they are.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: reaper -- PROGRAM ARGS...")
		os.Exit(2)
	}
	parent := os.Getppid()
	guard()
	if os.Getppid() != parent { // the parent died before the guard was set
		os.Exit(1)
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "reaper: %v\n", err)
		os.Exit(127)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var caught os.Signal
	select {
	case <-done:
	case caught = <-signals:
	}
	killDescendants()
	if caught != nil {
		os.Exit(128 + int(caught.(syscall.Signal)))
	}
	state := cmd.ProcessState
	if status, ok := state.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		signal.Reset()
		sig := status.Signal()
		_ = syscall.Kill(os.Getpid(), sig) // end as the command ended: by the same signal
		os.Exit(128 + int(sig))
	}
	os.Exit(state.ExitCode())
}
