package runtime

import (
	"bufio"
	"fmt"
	"os"
	"sync"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// PerfMapEnv names the environment variable that, when set to a non-empty
// value other than "0", makes every mapped module append its functions to
// /tmp/perf-PID.map, the file Linux perf reads to name code in anonymous
// mappings (one "START SIZE NAME" line per function, hexadecimal).
const PerfMapEnv = "WASMC_PERFMAP"

var perfMap struct {
	once sync.Once
	on   bool
	mu   sync.Mutex
}

func perfMapEnabled() bool {
	perfMap.once.Do(func() {
		v := os.Getenv(PerfMapEnv)
		perfMap.on = v != "" && v != "0"
	})
	return perfMap.on
}

// writePerfMap records c's functions when PerfMapEnv asks for it. Failing
// to write is not an error for the program being run.
func writePerfMap(c *codeInfo) {
	if !perfMapEnabled() {
		return
	}
	perfMap.mu.Lock()
	defer perfMap.mu.Unlock()
	f, err := os.OpenFile(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	writePerfMapLines(w, c)
	w.Flush()
}

func writePerfMapLines(w *bufio.Writer, c *codeInfo) {
	for i, fr := range c.compiled.Funcs {
		if fr.Size == 0 {
			continue
		}
		idx := uint32(i) + c.wasm.NumImportedFuncs
		fmt.Fprintf(w, "%x %x %s\n", c.base+uintptr(fr.Offset), fr.Size, perfName(c.wasm, idx))
	}
}

// perfName is the function's name from the name section, or wasm[idx].
func perfName(m *wasm.Module, idx uint32) string {
	if n := m.FuncName(idx); n != "" {
		return fmt.Sprintf("%s[%d]", n, idx)
	}
	return fmt.Sprintf("wasm[%d]", idx)
}
