package runtime

import "testing"

// TestGoSendsPreemptSignals checks the reading of GODEBUG that decides
// whether loops may go without checks: the last asyncpreemptoff wins, as
// in the Go runtime, and gccheckmark=1 turns the signals off as well.
func TestGoSendsPreemptSignals(t *testing.T) {
	for _, c := range []struct {
		godebug string
		want    bool
	}{
		{"", true},
		{"asyncpreemptoff=1", false},
		{"asyncpreemptoff=0", true},
		{"gctrace=1,asyncpreemptoff=1", false},
		{"asyncpreemptoff=1,asyncpreemptoff=0", true},
		{"asyncpreemptoff=0,asyncpreemptoff=1", false},
		{"gccheckmark=1", false},
		{"gccheckmark=0,madvdontneed=1", true},
	} {
		if got := goSendsPreemptSignals(c.godebug); got != c.want {
			t.Errorf("GODEBUG=%q: %v, want %v", c.godebug, got, c.want)
		}
	}
}
