package backend

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func currentGOGC() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func heapGoalNow() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestHoldHeapGoal(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC() // what earlier tests left is not live
	release := holdHeapGoal(heapNeedMax)
	raised := currentGOGC()
	if raised <= 100 {
		t.Fatalf("GOGC %d while held, want it raised", raised)
	}
	if g := heapGoalNow(); g < heapNeedMax/2 {
		t.Errorf("heap goal %d while held, want about %d", g, heapNeedMax)
	}
	// A second compilation running meanwhile changes nothing, and its end
	// does not end the first's hold.
	release2 := holdHeapGoal(heapNeedMax)
	release2()
	if g := currentGOGC(); g != raised {
		t.Fatalf("GOGC %d after a nested hold ended, want %d", g, raised)
	}
	release()
	if g := currentGOGC(); g != 100 {
		t.Fatalf("GOGC %d after the hold, want 100 back", g)
	}

	// A percentage the user sets during a hold stays.
	release = holdHeapGoal(heapNeedMax)
	debug.SetGCPercent(250)
	release()
	if g := currentGOGC(); g != 250 {
		t.Fatalf("GOGC %d after the hold, want the user's 250 kept", g)
	}
}

func TestHoldHeapGoalLeavesTunedProcesses(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	// Under a memory limit the limit governs: GOGC stays.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))
	release := holdHeapGoal(heapNeedMax)
	if g := currentGOGC(); g != 100 {
		t.Errorf("GOGC %d under a memory limit, want 100 left alone", g)
	}
	release()
	debug.SetMemoryLimit(math.MaxInt64)
	// A need the goal already covers changes nothing.
	release = holdHeapGoal(0)
	if g := currentGOGC(); g != 100 {
		t.Errorf("GOGC %d for no need, want 100", g)
	}
	release()
}
