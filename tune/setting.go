package tune

import (
	"fmt"
	"strconv"
	"strings"
)

// Off is the GOGC of GOGC=off.
const Off = -1

// AsRecorded, for GOGC or MemoryLimit, keeps what the recorded run had.
const AsRecorded = -2

// Setting is a GOGC and GOMEMLIMIT pair.
type Setting struct {
	GOGC        int   // percent; Off for GOGC=off; AsRecorded
	MemoryLimit int64 // bytes; 0 for none; AsRecorded
}

// String prints the setting as the environment spells it:
// "GOGC=200 GOMEMLIMIT=256MiB".
func (s Setting) String() string {
	var g string
	switch s.GOGC {
	case Off:
		g = "GOGC=off"
	case AsRecorded:
		g = "GOGC as recorded"
	default:
		g = "GOGC=" + strconv.Itoa(s.GOGC)
	}
	switch {
	case s.MemoryLimit == AsRecorded:
		return g + ", limit as recorded"
	case s.MemoryLimit <= 0:
		return g
	}
	return g + " GOMEMLIMIT=" + FormatLimit(s.MemoryLimit)
}

// ParseGOGC reads a GOGC value as the runtime does: a non-negative percent
// or "off".
func ParseGOGC(v string) (int, error) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "off") {
		return Off, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a GOGC such as 100, 200 or off: %q", v)
	}
	return n, nil
}

// FormatLimit prints a memory limit in the largest binary unit that keeps
// it whole, as GOMEMLIMIT reads it back ("256MiB").
func FormatLimit(b int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if b >= u.size && b%u.size == 0 {
			return strconv.FormatInt(b/u.size, 10) + u.name
		}
	}
	if b >= 1<<20 {
		return strconv.FormatInt(b>>20, 10) + "MiB"
	}
	return strconv.FormatInt(b, 10) + "B"
}
