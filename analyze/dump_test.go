package analyze

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gctrace/gctrace/parser"
)

var dumpGlob = flag.String("dump", "", "analyze the traces matching this glob and print their findings")

func TestDump(t *testing.T) {
	if *dumpGlob == "" {
		t.Skip("no -dump")
	}
	files, _ := filepath.Glob(*dumpGlob)
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		a := New(DefaultConfig(), nil)
		r := parser.NewReader(f, filepath.Base(name))
		for r.Scan() {
			a.Add(r.Record())
		}
		f.Close()
		rep := a.Report()
		fmt.Printf("== %s\n", name)
		for _, p := range rep.Processes {
			b, _ := json.Marshal(p)
			fmt.Printf("  %s\n", b)
		}
		for _, f := range rep.Findings {
			fmt.Printf("  %-8s %-22s p%d %d-%d %s\n", f.Severity, f.Rule, f.Process, f.FirstLine, f.LastLine, f.Message)
		}
	}
}
