package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gctrace/gctrace/analyze"
)

// RuleIDs returns the IDs of the rule catalogue, sorted.
func RuleIDs() []string {
	var ids []string
	for _, r := range analyze.Rules() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}

// SelectRules changes which rules of c run, as --rules and the rules key
// of a config file say. A selection is a comma-separated list: a bare ID
// keeps only the listed bare IDs (so "long-pause,high-gc-cpu" runs those
// two), -ID turns one off, +ID turns one on, and "all" turns every rule
// on. Items apply in order.
func SelectRules(c *analyze.Config, sel string) error {
	ids := RuleIDs()
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		known[id] = true
	}
	only := false
	for _, item := range strings.Split(sel, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		op := byte(0)
		if item[0] == '-' || item[0] == '+' {
			op, item = item[0], strings.TrimSpace(item[1:])
		}
		if item == "all" && op != '-' {
			c.Disabled = nil
			continue
		}
		if !known[item] {
			return fmt.Errorf("unknown rule %q; rules: %s", item, strings.Join(ids, ", "))
		}
		switch op {
		case '-':
			c.Disable(item)
		case '+':
			delete(c.Disabled, item)
		default:
			if !only {
				only = true
				c.Disable(ids...)
			}
			delete(c.Disabled, item)
		}
	}
	return nil
}
