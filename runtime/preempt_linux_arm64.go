package runtime

import "github.com/wasmc/wasmc/backend/arm64"

// preemptStubCode generates the stub the SIGURG handler sends a thread to.
func preemptStubCode() (code []byte, relocs int, err error) {
	fc, err := arm64.PreemptStub()
	return fc.Code, len(fc.Relocs), err
}

const preemptStubRoom = arm64.PreemptStubRoom
