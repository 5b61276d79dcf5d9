package engine

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Setting is one NAME = VALUE line of a config file.
type Setting struct {
	Name, Value string
	Line        int
}

// ReadConfig reads the config file of gctrace analyze, check and run: one
// NAME = VALUE per line, "#" starts a comment, blank lines are skipped.
// The format has no sections and no quoting because no value needs them.
// What a name means (a threshold, "rules", a budget) is the caller's.
func ReadConfig(path string) ([]Setting, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read config file: %w", err)
	}
	defer f.Close()
	var out []Setting
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want NAME = VALUE, not %q", path, n, line)
		}
		out = append(out, Setting{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value), Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading config file %s: %w", path, err)
	}
	return out, nil
}
