//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	prSetPdeathsig      = 1
	prSetChildSubreaper = 36
)

// guard makes this process a child subreaper and asks for SIGTERM when the parent dies.
func guard() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGTERM), 0)
}

// killDescendants kills every process below this one and reaps those that are its children,
// until none is left (a process may fork while we kill: go round again).
func killDescendants() {
	self := os.Getpid()
	for round := 0; round < 100; round++ {
		below := descendants(self)
		if len(below) == 0 {
			return
		}
		for _, pid := range below {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// descendants lists the processes below root: by walking /proc/PID/task/TID/children where
// the kernel has it (cheap: an empty list when nothing is left), else by a scan of all of /proc.
func descendants(root int) []int {
	if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(root) + "/children"); err == nil {
		return walk(root)
	}
	return scan(root)
}

func walk(root int) []int {
	var found []int
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
		for _, path := range tasks {
			data, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			for _, field := range strings.Fields(string(data)) {
				if child, err := strconv.Atoi(field); err == nil {
					found = append(found, child)
					queue = append(queue, child)
				}
			}
		}
	}
	return found
}

func scan(root int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := make(map[int]int, len(stats))
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		text := string(data)
		end := strings.LastIndexByte(text, ')') // the command name may hold spaces
		if end < 0 {
			continue
		}
		fields := strings.Fields(text[end+1:]) // state, ppid, ...
		if len(fields) < 2 {
			continue
		}
		pid, err1 := strconv.Atoi(strings.TrimSpace(text[:strings.IndexByte(text, ' ')]))
		ppid, err2 := strconv.Atoi(fields[1])
		if err1 == nil && err2 == nil {
			parent[pid] = ppid
		}
	}
	var found []int
	for pid := range parent {
		for p, hops := parent[pid], 0; p != 0 && hops < 64; p, hops = parent[p], hops+1 {
			if p == root {
				found = append(found, pid)
				break
			}
		}
	}
	return found
}
