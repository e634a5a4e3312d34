// Command runnone does nothing: its test file is the demo (which tests -run none runs).
package main

func main() {}
