package wasi

import (
	"context"
	"time"

	"golang.org/x/sys/unix"
)

// pollEvent is one subscription's outcome.
type pollEvent struct {
	userdata uint64
	errno    Errno
	typ      uint8
	nbytes   uint64
	ready    bool
}

// pollOneoff waits until at least one subscription fires. Descriptors
// other than a host stdin that is a pipe or terminal are always ready:
// reads of files do not block, and the guest's writes go to Go writers.
// A host stdin is waited on with poll(2) alongside the clocks.
func pollOneoff(ctx context.Context, s *state, m mem, p []uint64) Errno {
	in, out, n, neventsPtr := u32(p[0]), u32(p[1]), u32(p[2]), u32(p[3])
	if n == 0 {
		return ErrnoInval
	}
	if uint64(n)*sizeSubscription > uint64(len(m)) || uint64(n)*sizeEvent > uint64(len(m)) {
		return ErrnoFault
	}
	subs := m.slice(in, n*sizeSubscription)
	m.slice(out, n*sizeEvent)
	m.slice(neventsPtr, 4)

	events := make([]pollEvent, n)
	var waitFds []unix.PollFd
	var waitIdx []int
	var timeout time.Duration = -1 // the earliest clock, or none
	clocks := make([]time.Duration, n)
	anyReady := false
	for i := range events {
		sub := mem(subs[i*sizeSubscription : (i+1)*sizeSubscription])
		ev := &events[i]
		ev.userdata = sub.u64(0)
		ev.typ = sub.u8(8)
		switch ev.typ {
		case eventClock:
			id, t, flags := sub.u32(16), sub.u64(24), sub.u16(40)
			d := time.Duration(t)
			if t > 1<<63-1 {
				d = 1<<63 - 1
			}
			if flags&1 != 0 { // subclockflags::subscription_clock_abstime
				if id != clockRealtime && id != clockMonotonic {
					ev.errno, ev.ready, anyReady = ErrnoInval, true, true
					continue
				}
				now, _ := s.now(id)
				d = time.Duration(int64(t) - now)
			} else if id >= uint32(len(hostClocks)) {
				ev.errno, ev.ready, anyReady = ErrnoInval, true, true
				continue
			}
			d = max(d, 0)
			clocks[i] = d
			if timeout < 0 || d < timeout {
				timeout = d
			}
		case eventFdRead, eventFdWrite:
			e := s.fds[sub.u32(16)]
			switch {
			case e == nil:
				ev.errno, ev.ready = ErrnoBadf, true
			case e.kind == kindStream && ev.typ == eventFdRead && e.hostF != nil && pollable(e):
				if readable(e) {
					ev.ready = true
				} else {
					waitFds = append(waitFds, unix.PollFd{Fd: int32(e.hostF.Fd()), Events: unix.POLLIN})
					waitIdx = append(waitIdx, i)
					continue
				}
			case e.kind == kindFile && ev.typ == eventFdRead:
				ev.ready, ev.nbytes = true, remaining(e)
			default:
				ev.ready = true
			}
			anyReady = true
		default:
			ev.errno, ev.ready, anyReady = ErrnoInval, true, true
		}
	}
	if !anyReady {
		switch {
		case len(waitFds) > 0:
			s.waitFds(ctx, waitFds, timeout)
			for j, pf := range waitFds {
				if pf.Revents != 0 {
					events[waitIdx[j]].ready = true
					anyReady = true
				}
			}
		case timeout > 0:
			s.sleep(ctx, timeout)
			if err := ctx.Err(); err != nil {
				panic(err)
			}
		}
	}
	if !anyReady {
		// Nothing else fired: the earliest clocks did.
		for i := range events {
			if events[i].typ == eventClock && events[i].errno == 0 && clocks[i] <= timeout {
				events[i].ready = true
			}
		}
	}
	k := uint32(0)
	for _, ev := range events {
		if !ev.ready {
			continue
		}
		o := out + k*sizeEvent
		clear(m.slice(o, sizeEvent))
		m.putU64(o, ev.userdata)
		m.putU16(o+8, uint16(ev.errno))
		m.putU8(o+10, ev.typ)
		if ev.typ != eventClock {
			m.putU64(o+16, ev.nbytes)
		}
		k++
	}
	m.putU32(neventsPtr, k)
	return ErrnoSuccess
}

// pollable reports whether a host stream is a pipe, socket or terminal,
// which poll(2) can wait on; for other files it would say ready anyway.
func pollable(e *fdEntry) bool {
	st, ok := e.streamStat()
	if !ok {
		return false
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFIFO, unix.S_IFSOCK, unix.S_IFCHR:
		return true
	}
	return false
}

func readable(e *fdEntry) bool {
	fds := []unix.PollFd{{Fd: int32(e.hostF.Fd()), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0
}

// waitFds polls fds until one is ready, timeout passes (negative: never)
// or ctx is done, in slices so that cancellation is noticed.
func (s *state) waitFds(ctx context.Context, fds []unix.PollFd, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		slice := 100 * time.Millisecond
		if timeout >= 0 {
			slice = min(slice, time.Until(deadline))
		}
		n, err := unix.Poll(fds, int(max(slice, 0)/time.Millisecond))
		if n > 0 || (err != nil && err != unix.EINTR) {
			return
		}
		if err := ctx.Err(); err != nil {
			panic(err)
		}
		if timeout >= 0 && !time.Now().Before(deadline) {
			return
		}
	}
}

// remaining is the number of bytes a file has after its offset.
func remaining(e *fdEntry) uint64 {
	var st unix.Stat_t
	pos, err := unix.Seek(e.fd, 0, 1)
	if err != nil || unix.Fstat(e.fd, &st) != nil || st.Size <= pos {
		return 0
	}
	return uint64(st.Size - pos)
}
