package backend

import "github.com/wasmc/wasmc/frontend/wasm"

// entryChecks reports, for each defined function of m, whether its prologue
// must run the preemption check (docs/abi.md, "Interrupts"). Loop headers
// check, so without calls code runs a bounded stretch between checks;
// what else can run unboundedly is a cycle of calls, and every such cycle
// passes through a function that checks: a cycle of direct calls lies in
// one strongly connected component of the call graph, whose functions
// check, and any other passes through a call whose callee is unknown
// (call_indirect, call_ref, resume, switch), whose caller checks. Calls to
// imports return to Go, which preempts as it likes. The calls come from
// validation (wasm.Module.Calls); without them every function checks.
func entryChecks(m *wasm.Module) []bool {
	n := len(m.Codes)
	check := make([]bool, n)
	if len(m.Calls) != n {
		for i := range check {
			check[i] = true
		}
		return check
	}
	var from, to []int32 // direct call edges between defined functions
	for i, c := range m.Calls {
		check[i] = c.Unknown
		for _, f := range c.Direct {
			if f >= m.NumImportedFuncs && int(f-m.NumImportedFuncs) < n {
				from = append(from, int32(i))
				to = append(to, int32(f-m.NumImportedFuncs))
			}
		}
	}
	for _, v := range cyclic(n, from, to) {
		check[v] = true
	}
	return check
}

// cyclic returns the nodes of the graph (n nodes, edges from[k] -> to[k])
// that lie on a cycle: in a strongly connected component of more than one
// node, or with an edge to themselves. Tarjan's algorithm, iterative, so
// that a long call chain does not grow the goroutine's stack.
func cyclic(n int, from, to []int32) []int32 {
	// Successors in CSR form.
	start := make([]int32, n+1)
	for _, f := range from {
		start[f+1]++
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	succ := make([]int32, len(to))
	fill := append([]int32(nil), start[:n]...)
	var out []int32
	for k, f := range from {
		succ[fill[f]] = to[k]
		fill[f]++
		if f == to[k] {
			out = append(out, f) // a self-loop (a node may be listed twice)
		}
	}
	index := make([]int32, n) // 0: unvisited, else visit order + 1
	low := make([]int32, n)
	onStack := make([]bool, n)
	next := make([]int32, n) // per node, the next successor to look at
	var stack, call []int32
	order := int32(0)
	for root := int32(0); int(root) < n; root++ {
		if index[root] != 0 {
			continue
		}
		call = append(call, root)
		for len(call) > 0 {
			v := call[len(call)-1]
			if index[v] == 0 {
				order++
				index[v], low[v] = order, order
				next[v] = start[v]
				stack = append(stack, v)
				onStack[v] = true
			}
			if k := next[v]; k < start[v+1] {
				next[v]++
				w := succ[k]
				if index[w] == 0 {
					call = append(call, w)
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1]
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				k := len(stack) - 1
				for stack[k] != v {
					k--
				}
				if len(stack)-k > 1 {
					out = append(out, stack[k:]...)
				}
				for _, w := range stack[k:] {
					onStack[w] = false
				}
				stack = stack[:k]
			}
		}
	}
	return out
}
