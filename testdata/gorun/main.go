// Command gorun exercises the parts of the Go runtime that lean on the
// WebAssembly host: goroutines and timers (poll_oneoff), garbage
// collection under allocation pressure, deep goroutine stacks, panics
// recovered from runtime errors, stdin, environment and arguments, and the
// exit code. It prints the same on every platform; the exit code is the
// number of arguments.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func depth(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return depth(n-1) + int(pad[n%64]&1)
}

func recovered(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			if err, ok := r.(error); ok {
				msg = err.Error()
			} else {
				msg = fmt.Sprint(r)
			}
		}
	}()
	f()
	return "no panic"
}

type tree struct {
	l, r *tree
	v    int
}

func build(d int) *tree {
	if d == 0 {
		return &tree{v: 1}
	}
	return &tree{build(d - 1), build(d - 1), d}
}

func (t *tree) sum() int {
	if t == nil {
		return 0
	}
	return t.v + t.l.sum() + t.r.sum()
}

func main() {
	// Goroutines passing work through channels, with timers.
	jobs, results := make(chan int), make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				time.Sleep(time.Millisecond)
				results <- j * j
			}
		}()
	}
	go func() {
		for i := 1; i <= 50; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	total := 0
	for r := range results {
		total += r
	}
	select {
	case <-time.After(5 * time.Millisecond):
		fmt.Println("timer fired")
	}
	fmt.Println("sum of squares", total)

	// Allocation pressure: many short-lived trees, a few kept.
	var keep []*tree
	sum := 0
	for i := 0; i < 200; i++ {
		t := build(10)
		sum += t.sum()
		if i%50 == 0 {
			keep = append(keep, t)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("trees", sum, len(keep), "gc ran", ms.NumGC > 0)
	big := make([]byte, 64<<20) // grows linear memory well past its start
	for i := range big {
		big[i] = byte(i)
	}
	fmt.Println("big", len(big), big[len(big)-1])

	// A deep stack: goroutine stacks grow by copying.
	fmt.Println("depth", depth(100000))

	// Runtime errors become panics that recover catches.
	var m map[string]int
	var p *tree
	zero := 0
	s := []int{1, 2, 3}
	idx := 5
	fmt.Println(recovered(func() { m["x"] = 1 }))
	fmt.Println(recovered(func() { _ = p.v }))
	fmt.Println(recovered(func() { _ = 10 / zero }))
	fmt.Println(recovered(func() { _ = s[idx] }))
	fmt.Println(recovered(func() { panic(errors.New("custom")) }))
	var x any = "str"
	fmt.Println(recovered(func() { _ = x.(int) }))

	// Numbers at the edges.
	fmt.Println(math.MaxInt64, math.MinInt64, uint64(math.MaxUint64), math.Inf(1), -math.SmallestNonzeroFloat64)
	fmt.Println(strconv.FormatFloat(1/3.0, 'g', -1, 64), strconv.FormatFloat(1e21, 'f', -1, 64), float32(0.1))
	i32 := int32(math.MaxInt32)
	i32++
	u8, minus := uint8(200), int64(-1)
	fmt.Println("wrap", i32, int64(math.MinInt64)/minus, u8+100)

	// Environment, arguments and stdin.
	fmt.Println("env", os.Getenv("GORUN_GREETING"), "args", strings.Join(os.Args[1:], ","))
	sc := bufio.NewScanner(os.Stdin)
	words := map[string]int{}
	for sc.Scan() {
		for _, w := range strings.Fields(sc.Text()) {
			words[strings.ToLower(w)]++
		}
	}
	keys := make([]string, 0, len(words))
	for k := range words {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%d ", k, words[k])
	}
	fmt.Println()
	os.Exit(len(os.Args) - 1)
}
