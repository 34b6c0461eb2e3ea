// Runs one of the kernels of internal/bench/testdata under node (V8):
// node kernel.mjs FILE.wasm NAME REPS. The calls mirror benchrun's kernel
// table (bench/cmd/benchrun/kernel.go); it prints the last result.
import { readFile } from "node:fs/promises";
import process from "node:process";

const [file, name, repsArg] = process.argv.slice(2);
const reps = Number(repsArg);
const { instance } = await WebAssembly.instantiate(await readFile(file), {
  env: { inc: (x) => x + 1n },
});
const f = instance.exports;
let r;
for (let i = 0; i < reps; i++) {
  switch (name) {
    case "fib": r = f.fib(27); break;
    case "sieve": r = f.sieve(1000000); break;
    case "matmul": f.init(120); r = f.matmul(120); break;
    case "sum": f.fill(100000); r = f.sum(100000); break;
    case "calls": r = 0n; for (let j = 0; j < 100000; j++) r = f.call_host(r); break;
    default: throw new Error("unknown kernel " + name);
  }
}
console.log(String(r));
