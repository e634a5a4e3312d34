package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProfileWritesAndSpinCostsCPU(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spin.pprof")
	before := cpuSeconds()
	profile(path, func() { spin(50_000_000) })
	if used := cpuSeconds() - before; used <= 0 {
		t.Errorf("spinning used %v CPU seconds, want more than 0", used)
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Errorf("the profile %s is missing or empty (%v)", path, err)
	}
}
