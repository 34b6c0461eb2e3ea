package binary

import (
	"unicode/utf8"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// parseNames parses the content of the "name" custom section: the module
// name (subsection 0), function names (1) and local names (2); other
// subsections are skipped. A malformed section yields nil: names are only a
// debugging aid and never make a module malformed.
func parseNames(data []byte) *wasm.Names {
	r := reader{b: data}
	names := &wasm.Names{}
	for r.pos < len(r.b) {
		id, err := r.byte()
		if err != nil {
			return nil
		}
		size, err := r.vecLen()
		if err != nil || int(size) > len(r.b)-r.pos {
			return nil
		}
		sub := reader{b: r.b[r.pos : r.pos+int(size)]}
		r.pos += int(size)
		switch id {
		case 0:
			s, ok := sub.nameOK()
			if !ok {
				return nil
			}
			names.Module = s
		case 1:
			m, ok := sub.nameMap()
			if !ok {
				return nil
			}
			names.Funcs = m
		case 2:
			n, err := sub.vecLen()
			if err != nil {
				return nil
			}
			names.Locals = make(map[uint32]map[uint32]string, min(int(n), 1024))
			for i := uint32(0); i < n; i++ {
				f, err := sub.readU32()
				if err != nil {
					return nil
				}
				m, ok := sub.nameMap()
				if !ok {
					return nil
				}
				names.Locals[f] = m
			}
		default:
			continue
		}
		if sub.pos != len(sub.b) {
			return nil
		}
	}
	return names
}

func (r *reader) nameOK() (string, bool) {
	n, err := r.vecLen()
	if err != nil {
		return "", false
	}
	s, err := r.bytes(int(n))
	if err != nil || !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

// nameMap reads a vector of (index, name) pairs.
func (r *reader) nameMap() (map[uint32]string, bool) {
	n, err := r.vecLen()
	if err != nil {
		return nil, false
	}
	m := make(map[uint32]string, min(int(n), 1024))
	for i := uint32(0); i < n; i++ {
		x, err := r.readU32()
		if err != nil {
			return nil, false
		}
		s, ok := r.nameOK()
		if !ok {
			return nil, false
		}
		m[x] = s
	}
	return m, true
}
