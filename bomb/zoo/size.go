package zoo

import (
	"fmt"
	"strconv"
	"strings"
)

// units are binary whatever their spelling: the GC trace's "MB" is MiB too.
var units = []struct {
	suffix string
	shift  uint
}{
	{"GiB", 30}, {"MiB", 20}, {"KiB", 10},
	{"GB", 30}, {"MB", 20}, {"KB", 10},
	{"G", 30}, {"M", 20}, {"K", 10},
	{"B", 0},
}

// parseSize reads a byte count such as "64MiB", "1GiB", "512k" or "1048576".
func parseSize(s string) (int64, error) {
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range units {
		if len(num) > len(u.suffix) && strings.EqualFold(num[len(num)-len(u.suffix):], u.suffix) {
			num, shift = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("bad size %q: want a byte count like 64MiB or 1GiB", s)
	}
	return n << shift, nil
}

// formatSize prints n in the largest binary unit that divides it.
func formatSize(n int64) string {
	for _, u := range units[:3] {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// sizeFlag is a flag.Value for a byte count.
type sizeFlag struct{ p *int64 }

func (f sizeFlag) String() string {
	if f.p == nil {
		return ""
	}
	return formatSize(*f.p)
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.p = n
	return nil
}
