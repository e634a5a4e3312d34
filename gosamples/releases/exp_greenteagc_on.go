//go:build goexperiment.greenteagc

package main

// greenTea says whether this build has GOEXPERIMENT greenteagc (the default, or asked for).
const greenTea = "on"
