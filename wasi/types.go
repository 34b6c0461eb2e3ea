package wasi

import (
	"encoding/binary"
	"errors"
)

// Rights, one bit each, in the spec's order.
const (
	rightFdDatasync uint64 = 1 << iota
	rightFdRead
	rightFdSeek
	rightFdFdstatSetFlags
	rightFdSync
	rightFdTell
	rightFdWrite
	rightFdAdvise
	rightFdAllocate
	rightPathCreateDirectory
	rightPathCreateFile
	rightPathLinkSource
	rightPathLinkTarget
	rightPathOpen
	rightFdReaddir
	rightPathReadlink
	rightPathRenameSource
	rightPathRenameTarget
	rightPathFilestatGet
	rightPathFilestatSetSize
	rightPathFilestatSetTimes
	rightFdFilestatGet
	rightFdFilestatSetSize
	rightFdFilestatSetTimes
	rightPathSymlink
	rightPathRemoveDirectory
	rightPathUnlinkFile
	rightPollFdReadwrite
	rightSockShutdown
	rightSockAccept

	rightsAll = 1<<30 - 1
)

const (
	// rightsFile are the rights that mean something for a regular file.
	rightsFile = rightFdDatasync | rightFdRead | rightFdSeek | rightFdFdstatSetFlags |
		rightFdSync | rightFdTell | rightFdWrite | rightFdAdvise | rightFdAllocate |
		rightFdFilestatGet | rightFdFilestatSetSize | rightFdFilestatSetTimes | rightPollFdReadwrite
	// rightsDir are those that mean something for a directory.
	rightsDir = rightFdFdstatSetFlags | rightFdSync | rightFdDatasync | rightFdSeek | rightFdTell |
		rightPathCreateDirectory | rightPathCreateFile | rightPathLinkSource |
		rightPathLinkTarget | rightPathOpen | rightFdReaddir | rightPathReadlink |
		rightPathRenameSource | rightPathRenameTarget | rightPathFilestatGet |
		rightPathFilestatSetSize | rightPathFilestatSetTimes | rightFdFilestatGet |
		rightFdFilestatSetTimes | rightPathSymlink | rightPathRemoveDirectory |
		rightPathUnlinkFile
	// rightsMutate change the file system; a read-only preopen lacks them.
	rightsMutate = rightFdDatasync | rightFdWrite | rightFdAllocate | rightPathCreateDirectory |
		rightPathCreateFile | rightPathLinkSource | rightPathLinkTarget |
		rightPathRenameSource | rightPathRenameTarget | rightPathFilestatSetSize |
		rightPathFilestatSetTimes | rightFdFilestatSetSize | rightFdFilestatSetTimes |
		rightPathSymlink | rightPathRemoveDirectory | rightPathUnlinkFile
	// rightsWrite need a host descriptor open for writing.
	rightsWrite = rightFdDatasync | rightFdWrite | rightFdAllocate | rightFdFilestatSetSize
	// rightsStdio: no seek or tell, which is how wasi-libc's isatty
	// recognises a terminal.
	rightsStdio = rightFdRead | rightFdWrite | rightFdFdstatSetFlags | rightFdFilestatGet |
		rightPollFdReadwrite
)

// File types.
const (
	filetypeUnknown uint8 = iota
	filetypeBlockDevice
	filetypeCharacterDevice
	filetypeDirectory
	filetypeRegularFile
	filetypeSocketDgram
	filetypeSocketStream
	filetypeSymbolicLink
)

// fdflags.
const (
	fdflagAppend   = 1
	fdflagDsync    = 2
	fdflagNonblock = 4
	fdflagRsync    = 8
	fdflagSync     = 16
)

// oflags.
const (
	oflagCreat     = 1
	oflagDirectory = 2
	oflagExcl      = 4
	oflagTrunc     = 8
)

// fstflags.
const (
	fstAtim    = 1
	fstAtimNow = 2
	fstMtim    = 4
	fstMtimNow = 8
)

const lookupSymlinkFollow = 1

// Clock ids.
const (
	clockRealtime = iota
	clockMonotonic
	clockProcessCPU
	clockThreadCPU
)

// Event types.
const (
	eventClock = iota
	eventFdRead
	eventFdWrite
)

// Struct sizes the guest lays out.
const (
	sizeFilestat     = 64
	sizeFdstat       = 24
	sizeDirent       = 24
	sizeSubscription = 48
	sizeEvent        = 32
	sizeIovec        = 8
)

// errFault is panicked by the memory accessors when the guest passes an
// out-of-range pointer; the function wrapper turns it into EFAULT.
var errFault = errors.New("wasi: guest pointer out of range")

// mem is the caller's linear memory, valid for one host call.
type mem []byte

func (m mem) slice(off, n uint32) []byte {
	if uint64(off)+uint64(n) > uint64(len(m)) {
		panic(errFault)
	}
	return m[off : off+n : off+n]
}

func (m mem) u8(off uint32) uint8         { return m.slice(off, 1)[0] }
func (m mem) u16(off uint32) uint16       { return binary.LittleEndian.Uint16(m.slice(off, 2)) }
func (m mem) u32(off uint32) uint32       { return binary.LittleEndian.Uint32(m.slice(off, 4)) }
func (m mem) u64(off uint32) uint64       { return binary.LittleEndian.Uint64(m.slice(off, 8)) }
func (m mem) putU8(off uint32, v uint8)   { m.slice(off, 1)[0] = v }
func (m mem) putU16(off uint32, v uint16) { binary.LittleEndian.PutUint16(m.slice(off, 2), v) }
func (m mem) putU32(off uint32, v uint32) { binary.LittleEndian.PutUint32(m.slice(off, 4), v) }
func (m mem) putU64(off uint32, v uint64) { binary.LittleEndian.PutUint64(m.slice(off, 8), v) }
func (m mem) str(off, n uint32) string    { return string(m.slice(off, n)) }

// iovecs returns the guest buffers an iovec array names.
func (m mem) iovecs(iovs, n uint32) [][]byte {
	if uint64(n)*sizeIovec > uint64(len(m)) {
		panic(errFault)
	}
	arr := m.slice(iovs, n*sizeIovec)
	out := make([][]byte, n)
	for i := range out {
		p := binary.LittleEndian.Uint32(arr[i*sizeIovec:])
		l := binary.LittleEndian.Uint32(arr[i*sizeIovec+4:])
		out[i] = m.slice(p, l)
	}
	return out
}
