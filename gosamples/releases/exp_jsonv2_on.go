//go:build goexperiment.jsonv2

package main

// jsonV2 says whether this build has GOEXPERIMENT jsonv2 (the default, or asked for).
const jsonV2 = "on"
