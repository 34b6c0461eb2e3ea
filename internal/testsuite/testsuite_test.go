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

func TestWazeroScripts(t *testing.T) {
	scripts, err := WazeroScripts()
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := ReadCommands(scripts[0])
	if err != nil {
		t.Fatal(err)
	}
	modules := 0
	for _, c := range cmds {
		if c.Type == "module" && c.Filename != "" && c.Line > 0 {
			modules++
		}
	}
	if modules == 0 {
		t.Errorf("%s: no module commands in %d commands", scripts[0], len(cmds))
	}
}
