package testsuite

import "testing"

func TestWazeroSpecDir(t *testing.T) {
	files, err := WazeroBinaries()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 1000 {
		t.Fatalf("only %d .wasm files in wazero's spectest data", len(files))
	}
}
