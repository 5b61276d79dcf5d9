package parser

import "time"

// cursor walks one line. Every method either consumes what it was asked for
// and reports true, or leaves the position unchanged and reports false, so a
// failed optional part costs nothing.
type cursor struct {
	b []byte
	i int
}

func (c *cursor) eof() bool { return c.i >= len(c.b) }

func (c *cursor) peek() byte {
	if c.i < len(c.b) {
		return c.b[c.i]
	}
	return 0
}

// lit consumes s.
func (c *cursor) lit(s string) bool {
	if len(c.b)-c.i >= len(s) && string(c.b[c.i:c.i+len(s)]) == s {
		c.i += len(s)
		return true
	}
	return false
}

// maxDigits keeps every number within int64 after scaling to nanoseconds
// or bytes: 13 digits of MiB or ms are far beyond any real trace.
const maxDigits = 13

// uint consumes a run of decimal digits.
func (c *cursor) uint() (int64, bool) {
	v, end, ok := fastUint(c.b, c.i)
	if ok {
		c.i = end
	}
	return v, ok
}

// int consumes an optionally negative run of decimal digits ("scvg-1").
func (c *cursor) int() (int64, bool) {
	neg := c.lit("-")
	v, ok := c.uint()
	if !ok {
		if neg {
			c.i--
		}
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// decimal consumes digits with an optional fraction of at most maxDec
// digits and returns the value scaled by 10^maxDec, and the number of
// fraction digits printed.
func (c *cursor) decimal(maxDec int) (int64, uint8, bool) {
	v, dec, end, ok := fastDecimal(c.b, c.i, maxDec)
	if ok {
		c.i = end
	}
	return v, dec, ok
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// ms consumes a time printed in milliseconds (fmtNSAsMS: at most three
// decimals in practice; six are accepted, which is nanosecond precision).
func (c *cursor) ms() (time.Duration, uint8, bool) {
	v, dec, ok := c.decimal(6)
	return time.Duration(v), dec, ok
}

// rest returns the unread part of the line, cut to n bytes for messages.
func (c *cursor) rest(n int) string {
	r := c.b[c.i:]
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// skipSpace consumes trailing blanks, which some log pipelines add.
func (c *cursor) skipSpace() {
	for c.i < len(c.b) && (c.b[c.i] == ' ' || c.b[c.i] == '\t' || c.b[c.i] == '\r') {
		c.i++
	}
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
