package main

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"
)

// archOfMachine maps the ELF machines objdump disassembles to wasmc's
// architecture names.
var archOfMachine = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}

// elfArch is the architecture named by an ELF header's machine field, or
// "" when data is too short or the machine is another.
func elfArch(data []byte) string {
	if len(data) < 20 {
		return ""
	}
	return archOfMachine[elf.Machine(binary.LittleEndian.Uint16(data[18:]))]
}

// disassemble prints code for arch, which starts at offset pc, one
// instruction a line; bytes that do not decode are shown as such.
// symname names the code symbol starting at an address.
func disassemble(w io.Writer, arch string, code []byte, pc uint64, symname func(uint64) (string, uint64), skips map[uint64]uint64) {
	if arch == "arm64" {
		disassembleARM64(w, code, pc, symname)
		return
	}
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil || inst.Len == 0 {
			fmt.Fprintf(w, "  %6x  %-22x  .byte %#02x\n", pc+uint64(off), code[off:off+1], code[off])
			off++
			continue
		}
		// Only call targets get names: x86asm would otherwise name
		// immediates and in-function jumps that happen to match.
		var lookup func(uint64) (string, uint64)
		if _, rel := inst.Args[0].(x86asm.Rel); rel && inst.Op == x86asm.CALL {
			lookup = symname
		}
		note := ""
		for at := pc + uint64(off) + 1; at < pc+uint64(off+inst.Len); at++ {
			if to, ok := skips[at]; ok {
				note = fmt.Sprintf("  ; %#x when signals preempt (past the check)", to)
			}
		}
		fmt.Fprintf(w, "  %6x  %-22x  %s%s\n", pc+uint64(off), code[off:off+inst.Len], x86asm.IntelSyntax(inst, pc+uint64(off), lookup), note)
		off += inst.Len
	}
}

// disassembleARM64 prints arm64 code, one 32-bit word a line, as GNU
// objdump does. GNU syntax writes PC-relative operands as ".+0x40":
// they are shown as the address they reach instead, and the target of a
// bl by its symbol's name.
func disassembleARM64(w io.Writer, code []byte, pc uint64, symname func(uint64) (string, uint64)) {
	off := 0
	for ; off+4 <= len(code); off += 4 {
		at := pc + uint64(off)
		word := binary.LittleEndian.Uint32(code[off:])
		inst, err := arm64asm.Decode(code[off : off+4])
		if err != nil { // jump tables and padding are data
			fmt.Fprintf(w, "  %6x  %08x  .word %#08x\n", at, word, word)
			continue
		}
		text := arm64asm.GNUSyntax(inst)
		for _, a := range inst.Args {
			rel, ok := a.(arm64asm.PCRel)
			if !ok {
				continue
			}
			target := at + uint64(rel)
			if inst.Op == arm64asm.ADRP { // counts pages from this one
				target = at&^0xfff + uint64(rel)
			}
			repl := fmt.Sprintf("%#x", target)
			if inst.Op == arm64asm.BL {
				if name, base := symname(target); name != "" && base == target {
					repl = name
				}
			}
			text = strings.Replace(text, rel.String(), repl, 1)
		}
		fmt.Fprintf(w, "  %6x  %08x  %s\n", at, word, text)
	}
	for ; off < len(code); off++ { // a tail shorter than a word
		fmt.Fprintf(w, "  %6x  %02x  .byte %#02x\n", pc+uint64(off), code[off], code[off])
	}
}
