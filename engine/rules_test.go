package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
)

func TestSelectRules(t *testing.T) {
	ids := engine.RuleIDs()
	for _, tc := range []struct {
		sel     string
		enabled []string
		err     bool
	}{
		{sel: "-forced-gc,-periodic-gc", enabled: without(ids, "forced-gc", "periodic-gc")},
		{sel: "long-pause,high-gc-cpu", enabled: []string{"high-gc-cpu", "long-pause"}},
		{sel: "long-pause, +forced-gc", enabled: []string{"forced-gc", "long-pause"}},
		{sel: "long-pause,all", enabled: ids},
		{sel: "nosuchrule", err: true},
		{sel: "-nosuchrule", err: true},
	} {
		c := analyze.DefaultConfig()
		err := engine.SelectRules(&c, tc.sel)
		if (err != nil) != tc.err {
			t.Errorf("%q: error %v", tc.sel, err)
			continue
		}
		if tc.err {
			continue
		}
		var on []string
		for _, id := range ids {
			if c.Enabled(id) {
				on = append(on, id)
			}
		}
		if strings.Join(on, ",") != strings.Join(tc.enabled, ",") {
			t.Errorf("%q: enabled %v, want %v", tc.sel, on, tc.enabled)
		}
	}
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, x := range list {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}
