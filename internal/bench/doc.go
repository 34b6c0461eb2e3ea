// Package bench holds benchmarks that measure wasmc beside other engines in
// the same run (wazero's interpreter and compiler today). It has no code of
// its own outside tests; helpers here build the modules the benchmarks use.
package bench
