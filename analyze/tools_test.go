package analyze

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// The tests in this file are tools for calibrating and measuring, run by
// hand; without their flags they skip:
//
//	go test ./analyze -run TestDump -v -args -dump '../testdata/bomb/*.log'
//	go test ./analyze -run TestGenTrace -args -gen /tmp/big.log
//	go test ./analyze -run TestPipe -args -pipe /tmp/big.log
//	go test ./analyze -run TestJSON -v -args -json ../testdata/bomb/leak.log

var dumpGlob = flag.String("dump", "", "analyze the traces matching this glob and print their summaries and findings")

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

var genTrace = flag.String("gen", "", "write a synthetic Go 1.26 trace of -gen-cycles cycles to this file")
var genCycles = flag.Int("gen-cycles", 2_000_000, "cycles for -gen")

func TestGenTrace(t *testing.T) {
	if *genTrace == "" {
		t.Skip("no -gen")
	}
	if err := os.WriteFile(*genTrace, syntheticTrace(*genCycles), 0o644); err != nil {
		t.Fatal(err)
	}
}

var pipeFile = flag.String("pipe", "", "time reading this file with the parser alone and with the analyzer")

func TestPipe(t *testing.T) {
	if *pipeFile == "" {
		t.Skip("no -pipe")
	}
	for _, analyze := range []bool{false, true} {
		f, err := os.Open(*pipeFile)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		a := New(DefaultConfig(), func(Finding) {})
		r := parser.NewReader(f, "big")
		n := 0
		for r.Scan() {
			n++
			if analyze {
				a.Add(r.Record())
			}
		}
		rep := a.Report()
		f.Close()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Printf("analyze=%v records=%d %v findings=%d heapsys=%dMiB\n", analyze, n, time.Since(start), len(rep.Findings), m.HeapSys>>20)
	}
}

var jsonFile = flag.String("json", "", "print the JSON report of this trace")

func TestJSON(t *testing.T) {
	if *jsonFile == "" {
		t.Skip("no -json")
	}
	b, err := json.MarshalIndent(analyzeFile(t, *jsonFile, DefaultConfig()), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(string(b))
}
