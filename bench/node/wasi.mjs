// Runs a WASI preview 1 program under node (V8): node
// --experimental-wasi-unstable-preview1 wasi.mjs FILE.wasm [args...]. The
// guest gets the arguments and, for Go test binaries, the current directory
// preopened, as wasmc run gives them.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import process from "node:process";

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: [file.split("/").pop(), ...args],
  env: process.env.PWD ? { PWD: process.env.PWD } : {},
  preopens: { "/": "/" },
  returnOnExit: true,
});
const mod = await WebAssembly.compile(await readFile(file));
const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
process.exitCode = wasi.start(inst);
