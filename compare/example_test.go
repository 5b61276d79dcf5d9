package compare_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/compare"
	"github.com/gctrace/gctrace/parser"
)

// read collects one trace's samples and findings, as gctrace diff does.
func read(path string) *compare.Trace {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	c := compare.NewCollector()
	an := analyze.New(analyze.DefaultConfig(), nil)
	for r := parser.NewReader(f, path); r.Scan(); {
		c.Add(r.Record())
		an.Add(r.Record())
	}
	return c.Trace(path, an.Report())
}

func Example() {
	res, err := compare.Compare(read("../testdata/diff/healthy-1.log"), read("../testdata/diff/healthy-gogc50.log"), compare.Options{})
	if err != nil {
		panic(err)
	}
	v := res.Judge(compare.DefaultAllowances())
	for _, g := range v.Regressions {
		fmt.Println(strings.SplitN(g.Message(), " (", 2)[0])
	}
	// Output:
	// gc-cpu: GC CPU +70.07%
}
