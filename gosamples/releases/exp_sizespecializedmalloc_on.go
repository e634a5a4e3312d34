//go:build goexperiment.sizespecializedmalloc

package main

// sizeSpecialized says whether this build has GOEXPERIMENT sizespecializedmalloc (the default, or asked for).
const sizeSpecialized = "on"
