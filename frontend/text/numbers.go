package text

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

var (
	errRange  = errors.New("constant out of range")
	errSyntax = errors.New("unknown operator")
)

// digitsEnd returns the end of a digit sequence with single underscores
// between digits starting at s[i], or i if there is none.
func digitsEnd(s string, i int, hex bool) int {
	isDigit := func(c byte) bool {
		if hex {
			return isHex(c)
		}
		return c >= '0' && c <= '9'
	}
	if i >= len(s) || !isDigit(s[i]) {
		return i
	}
	j := i + 1
	for j < len(s) {
		if isDigit(s[j]) {
			j++
		} else if s[j] == '_' && j+1 < len(s) && isDigit(s[j+1]) {
			j += 2
		} else {
			break
		}
	}
	return j
}

// numParts is a literal split into its pieces; the digit strings still
// contain underscores.
type numParts struct {
	neg, hex      bool
	signed        bool // an explicit sign was written
	intDigits     string
	frac          string
	hasDot        bool
	exp           string // with sign, empty if none
	inf, nan      bool
	payload       string // nan:0x payload digits
	isInt         bool   // nat or int syntax
	isFloatSyntax bool
}

func splitNum(s string) (p numParts, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		p.neg = s[i] == '-'
		p.signed = true
		i++
	}
	rest := s[i:]
	switch {
	case rest == "inf":
		p.inf = true
		return p, true
	case rest == "nan":
		p.nan = true
		return p, true
	case strings.HasPrefix(rest, "nan:0x"):
		j := digitsEnd(rest, 6, true)
		if j == 6 || j != len(rest) {
			return p, false
		}
		p.nan = true
		p.payload = rest[6:]
		return p, true
	}
	if strings.HasPrefix(rest, "0x") {
		p.hex = true
		i += 2
	}
	j := digitsEnd(s, i, p.hex)
	if j == i {
		return p, false
	}
	p.intDigits = s[i:j]
	i = j
	if i == len(s) {
		p.isInt = true
		return p, true
	}
	if s[i] == '.' {
		p.hasDot = true
		i++
		j = digitsEnd(s, i, p.hex)
		p.frac = s[i:j]
		i = j
	}
	if i < len(s) && (!p.hex && (s[i] == 'e' || s[i] == 'E') || p.hex && (s[i] == 'p' || s[i] == 'P')) {
		i++
		k := i
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		j = digitsEnd(s, k, false)
		if j == k {
			return p, false
		}
		p.exp = s[i:j]
		i = j
	}
	return p, i == len(s)
}

func isNumberSyntax(s string) bool {
	_, ok := splitNum(s)
	return ok
}

// parseNat parses an unsigned integer literal (no sign) into a uint64.
func parseNat(s string) (uint64, bool) {
	p, ok := splitNum(s)
	if !ok || !p.isInt || p.signed {
		return 0, false
	}
	v, ok := digitsValue(p.intDigits, p.hex)
	return v, ok
}

func digitsValue(d string, hex bool) (uint64, bool) {
	var v uint64
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c == '_' {
			continue
		}
		if hex {
			if v > math.MaxUint64>>4 {
				return 0, false
			}
			v = v<<4 | uint64(hexVal(c))
		} else {
			x := uint64(c - '0')
			if v > (math.MaxUint64-x)/10 {
				return 0, false
			}
			v = v*10 + x
		}
	}
	return v, true
}

func parseInt(s string, bits uint) (uint64, error) {
	p, ok := splitNum(s)
	if !ok || !p.isInt {
		return 0, errSyntax
	}
	v, ok := digitsValue(p.intDigits, p.hex)
	if !ok {
		return 0, errRange
	}
	if p.neg {
		if v > 1<<(bits-1) {
			return 0, errRange
		}
		v = -v
	} else if bits < 64 && v >= 1<<bits {
		return 0, errRange
	}
	if bits < 64 {
		v &= 1<<bits - 1
	}
	return v, nil
}

// ParseI32 parses an i32 literal in either the signed or unsigned range.
func ParseI32(s string) (uint32, error) {
	v, err := parseInt(s, 32)
	return uint32(v), err
}

// ParseI64 parses an i64 literal in either the signed or unsigned range.
func ParseI64(s string) (uint64, error) { return parseInt(s, 64) }

// ParseU32 parses an unsigned 32-bit literal (indices, limits, counts).
func ParseU32(s string) (uint32, error) {
	v, ok := parseNat(s)
	if !ok {
		if isNumberSyntax(s) {
			return 0, errRange
		}
		return 0, errSyntax
	}
	if v > math.MaxUint32 {
		return 0, errRange
	}
	return uint32(v), nil
}

// parseFloat returns the bit pattern of a float literal of the given
// mantissa and exponent widths (23/8 or 52/11).
func parseFloat(s string, bits int) (uint64, error) {
	p, ok := splitNum(s)
	if !ok {
		return 0, errSyntax
	}
	mant := 52
	if bits == 32 {
		mant = 23
	}
	var sign uint64
	if p.neg {
		sign = 1 << (bits - 1)
	}
	expMask := uint64(1<<(bits-1-mant)-1) << mant
	switch {
	case p.inf:
		return sign | expMask, nil
	case p.nan && p.payload == "":
		return sign | expMask | 1<<(mant-1), nil
	case p.nan:
		v, ok := digitsValue(p.payload, true)
		if !ok || v == 0 || v >= 1<<mant {
			return 0, errRange
		}
		return sign | expMask | v, nil
	}
	var b strings.Builder
	if p.neg {
		b.WriteByte('-')
	}
	if p.hex {
		b.WriteString("0x")
	}
	b.WriteString(strings.ReplaceAll(p.intDigits, "_", ""))
	if p.frac != "" {
		b.WriteByte('.')
		b.WriteString(strings.ReplaceAll(p.frac, "_", ""))
	}
	if p.hex {
		b.WriteByte('p')
		if p.exp == "" {
			b.WriteByte('0')
		}
	} else if p.exp != "" {
		b.WriteByte('e')
	}
	exp := strings.ReplaceAll(p.exp, "_", "")
	// Clamp absurd exponents: strconv rejects them as syntax errors, while
	// the literal just overflows or underflows.
	if e, err := strconv.ParseInt(exp, 10, 64); exp != "" && (err != nil || e > 100000 || e < -100000) {
		if strings.HasPrefix(exp, "-") {
			exp = "-100000"
		} else {
			exp = "100000"
		}
	}
	b.WriteString(exp)
	f, err := strconv.ParseFloat(b.String(), bits)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange && (math.IsInf(f, 0)) {
			return 0, errRange
		}
		if !(errors.As(err, &ne) && ne.Err == strconv.ErrRange) {
			return 0, errSyntax
		}
	}
	if bits == 32 {
		return uint64(math.Float32bits(float32(f))), nil
	}
	return math.Float64bits(f), nil
}

// ParseF32 parses an f32 literal, correctly rounded, into its bits.
func ParseF32(s string) (uint32, error) {
	v, err := parseFloat(s, 32)
	return uint32(v), err
}

// ParseF64 parses an f64 literal, correctly rounded, into its bits.
func ParseF64(s string) (uint64, error) { return parseFloat(s, 64) }
