package object

import (
	"encoding/binary"
	"fmt"
)

// ELF constants used by the writer (see the System V ABI, and debug/elf).
const (
	ehdrSize  = 64
	shdrSize  = 64
	symSize   = 24
	etRel     = 1
	emX86_64  = 62
	emAArch64 = 183

	shtProgbits = 1
	shtSymtab   = 2
	shtStrtab   = 3

	shfAlloc     = 0x2
	shfExecinstr = 0x4

	sttFunc    = 2
	sttSection = 3
	stbLocal   = 0

	// textAlign is the file alignment of .text: a page, so that a loader
	// may map the code straight from the file.
	textAlign = 4096
)

// machines maps wasmc architectures to ELF machines.
var machines = map[string]uint16{"amd64": emX86_64, "arm64": emAArch64}

func archOfMachine(m uint16) string {
	for a, x := range machines {
		if x == m {
			return a
		}
	}
	return fmt.Sprintf("ELF machine %d", m)
}

// symbol is a named place in .text.
type symbol struct {
	name       string
	off, size  uint32
	isFunction bool
}

// section indices in the file the writer produces.
const (
	secIdxInfo = 1 + iota
	secIdxText
	secIdxMeta
	secIdxSymtab
	secIdxStrtab
	secIdxShstrtab
	numSections
)

// elfLayout is where writeELF put each part, for the info header.
type elfLayout struct {
	textOff, metaOff uint64
}

// strtab builds a string table; offset 0 is the empty string.
type strtab struct{ b []byte }

func (s *strtab) add(name string) uint32 {
	if len(s.b) == 0 {
		s.b = []byte{0}
	}
	off := uint32(len(s.b))
	s.b = append(s.b, name...)
	s.b = append(s.b, 0)
	return off
}

func pad(b []byte, align int) []byte {
	for len(b)%align != 0 {
		b = append(b, 0)
	}
	return b
}

// writeELF lays out a relocatable ELF64 little-endian file: header, the
// info section (at a fixed offset, ehdrSize), .text, .wasmc.meta, the
// symbol and string tables and the section headers. info must have its
// final size; its contents are filled in afterwards by the caller.
func writeELF(machine uint16, info, text, meta []byte, syms []symbol) ([]byte, elfLayout, error) {
	le := binary.LittleEndian
	var lay elfLayout
	var shstr, str strtab
	shstr.add("")
	str.add("")

	b := make([]byte, ehdrSize, ehdrSize+len(info)+textAlign+len(text)+len(meta)+len(syms)*(symSize+24)+1024)
	infoOff := uint64(len(b))
	b = append(b, info...)
	b = pad(b, textAlign)
	lay.textOff = uint64(len(b))
	b = append(b, text...)
	b = pad(b, 8)
	lay.metaOff = uint64(len(b))
	b = append(b, meta...)
	b = pad(b, 8)

	symOff := uint64(len(b))
	b = append(b, make([]byte, symSize)...) // the null symbol
	sym := func(name uint32, info byte, shndx uint16, value, size uint64) {
		var s [symSize]byte
		le.PutUint32(s[0:], name)
		s[4] = info
		le.PutUint16(s[6:], shndx)
		le.PutUint64(s[8:], value)
		le.PutUint64(s[16:], size)
		b = append(b, s[:]...)
	}
	sym(0, stbLocal<<4|sttSection, secIdxText, 0, 0)
	for _, s := range syms {
		if uint64(s.off)+uint64(s.size) > uint64(len(text)) {
			return nil, lay, fmt.Errorf("object: symbol %s outside the code", s.name)
		}
		typ := byte(sttFunc)
		if !s.isFunction {
			typ = 0 // STT_NOTYPE: stubs are not functions of the module
		}
		sym(str.add(s.name), stbLocal<<4|typ, secIdxText, uint64(s.off), uint64(s.size))
	}
	nsyms := uint64(len(syms) + 2)
	strOff := uint64(len(b))
	b = append(b, str.b...)

	type shdr struct {
		name                    string
		typ                     uint32
		flags, off, size, align uint64
		link, info              uint32
		entsize                 uint64
	}
	hdrs := [numSections]shdr{
		{},
		{name: ".wasmc.info", typ: shtProgbits, off: infoOff, size: uint64(len(info)), align: 8},
		{name: ".text", typ: shtProgbits, flags: shfAlloc | shfExecinstr, off: lay.textOff, size: uint64(len(text)), align: 16},
		{name: ".wasmc.meta", typ: shtProgbits, off: lay.metaOff, size: uint64(len(meta)), align: 8},
		{name: ".symtab", typ: shtSymtab, off: symOff, size: nsyms * symSize, align: 8,
			link: secIdxStrtab, info: uint32(nsyms), entsize: symSize}, // all symbols are local
		{name: ".strtab", typ: shtStrtab, off: strOff, size: uint64(len(str.b)), align: 1},
		{name: ".shstrtab", typ: shtStrtab, align: 1},
	}
	names := make([]uint32, numSections)
	for i := 1; i < numSections; i++ {
		names[i] = shstr.add(hdrs[i].name)
	}
	hdrs[secIdxShstrtab].off = uint64(len(b))
	hdrs[secIdxShstrtab].size = uint64(len(shstr.b))
	b = append(b, shstr.b...)
	b = pad(b, 8)
	shOff := uint64(len(b))
	for i, h := range hdrs {
		var s [shdrSize]byte
		le.PutUint32(s[0:], names[i])
		le.PutUint32(s[4:], h.typ)
		le.PutUint64(s[8:], h.flags)
		// sh_addr stays 0: the file is relocatable.
		le.PutUint64(s[24:], h.off)
		le.PutUint64(s[32:], h.size)
		le.PutUint32(s[40:], h.link)
		le.PutUint32(s[44:], h.info)
		le.PutUint64(s[48:], h.align)
		le.PutUint64(s[56:], h.entsize)
		b = append(b, s[:]...)
	}

	h := b[:ehdrSize]
	copy(h, "\x7fELF")
	h[4] = 2 // ELFCLASS64
	h[5] = 1 // ELFDATA2LSB
	h[6] = 1 // EV_CURRENT
	le.PutUint16(h[16:], etRel)
	le.PutUint16(h[18:], machine)
	le.PutUint32(h[20:], 1) // e_version
	le.PutUint64(h[40:], shOff)
	le.PutUint16(h[52:], ehdrSize)
	le.PutUint16(h[58:], shdrSize)
	le.PutUint16(h[60:], numSections)
	le.PutUint16(h[62:], secIdxShstrtab)
	return b, lay, nil
}
