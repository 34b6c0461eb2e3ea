package runtime

import "github.com/wasmc/wasmc/backend/amd64"

// preemptStubCode generates the stub the SIGURG handler sends a thread to.
func preemptStubCode() (code []byte, relocs int, err error) {
	fc, err := amd64.PreemptStub()
	return fc.Code, len(fc.Relocs), err
}

const preemptStubRoom = amd64.PreemptStubRoom
