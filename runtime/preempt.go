package runtime

import (
	"encoding/binary"
	"os"
	"strings"

	"github.com/wasmc/wasmc/backend"
)

// Preemption by signal (docs/abi.md, "Preemption by signal"). Where the
// runtime can stop compiled code anywhere with the Go runtime's own
// preemption signal (linux/amd64 and arm64, preempt_linux.go), loops need not
// check the preemption word on every iteration: loading a module
// retargets the jumps back into loop headers
// (backend.Compiled.CheckSkips) past the header's check, which then runs
// once per entry into the loop. Elsewhere, or when Go sends no such
// signals, the code runs as compiled.

// preemptEnv names the environment variable that turns signal preemption
// off ("checks": every loop iteration checks), for measurements.
const preemptEnv = "WASMC_PREEMPT"

// goSendsPreemptSignals reports whether the Go runtime preempts goroutines
// with signals, judging by GODEBUG: asyncpreemptoff=1 stops the signals,
// and so does gccheckmark=1. Each module load reads it again; modules
// loaded before a change keep their jumps.
func goSendsPreemptSignals(godebug string) bool {
	on := true
	for _, f := range strings.Split(godebug, ",") {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "asyncpreemptoff":
			on = v != "1"
		case "gccheckmark":
			if v == "1" {
				on = false
			}
		}
	}
	return on
}

// signalPreemptWanted reports whether the environment leaves signal
// preemption on.
func signalPreemptWanted() bool {
	return os.Getenv(preemptEnv) != "checks" && goSendsPreemptSignals(os.Getenv("GODEBUG"))
}

// applySkips retargets the branches of skips in code, which holds a
// module's code as compiled (backend.CheckSkipsValid has accepted the
// list).
func applySkips(code []byte, skips []backend.CheckSkip) {
	for _, k := range skips {
		v, _, ok := backend.SkipPatch(code[k.At:], k)
		if !ok {
			continue
		}
		if k.Width == 1 {
			code[k.At] = byte(v)
		} else {
			binary.LittleEndian.PutUint32(code[k.At:], v)
		}
	}
}
