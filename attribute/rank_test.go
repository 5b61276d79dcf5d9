package attribute

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

const testProfile = "testdata/allocs.pb.gz"

func readTestProfile(t *testing.T) *profile.Profile {
	t.Helper()
	p, err := Fetch(context.Background(), mustSource(t, testProfile), FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func findFunc(r *Ranking, name string) (Func, bool) {
	for _, f := range r.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Func{}, false
}

func TestRank(t *testing.T) {
	p := readTestProfile(t)
	r, err := Rank(p, "", RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sample != AllocSpace || r.Unit != "bytes" {
		t.Errorf("default sample %s/%s, want alloc_space/bytes", r.Sample, r.Unit)
	}
	if r.Functions[0].Name != "main.(*Dog).Run" {
		t.Fatalf("top:%s\nwant main.(*Dog).Run first", funcNames(r.Functions))
	}
	dog := r.Functions[0]
	if dog.Flat != dog.Cum || dog.Flat <= r.Total/2 || !strings.HasSuffix(dog.File, "churn/main.go") || dog.Line == 0 {
		t.Errorf("(*Dog).Run = %+v", dog)
	}

	// Flat is sorted descending, then by name.
	for i := 1; i < len(r.Functions); i++ {
		a, b := r.Functions[i-1], r.Functions[i]
		if a.Flat < b.Flat || (a.Flat == b.Flat && a.Name > b.Name) {
			t.Errorf("not sorted by flat: %s (%d) before %s (%d)", a.Name, a.Flat, b.Name, b.Flat)
		}
	}
	var flat int64
	for _, f := range r.Functions {
		flat += f.Flat
		if f.Cum < r.Cutoff {
			t.Errorf("%s cum %d under the cut-off %d", f.Name, f.Cum, r.Cutoff)
		}
	}
	if flat > r.Total || r.Dropped == 0 {
		t.Errorf("flat sum %d of total %d, %d dropped", flat, r.Total, r.Dropped)
	}

	// The inlined record gets the flat; fill, which it is inlined
	// into, only the cum.
	rec, ok1 := findFunc(r, "main.record")
	fill, ok2 := findFunc(r, "main.fill")
	if !ok1 || !ok2 || rec.Flat == 0 || fill.Flat != 0 || fill.Cum != rec.Flat {
		t.Errorf("inlined: record %+v, fill %+v", rec, fill)
	}

	// descend recurses: every sample has it many times on the stack, but
	// its cum counts each sample once.
	desc, ok := findFunc(r, "main.descend")
	var naive int64
	for _, s := range p.Sample {
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if ln.Function.Name == "main.descend" {
					naive += s.Value[1]
				}
			}
		}
	}
	if !ok || desc.Cum != desc.Flat || naive <= 2*desc.Cum {
		t.Errorf("recursive descend %+v, frames sum %d", desc, naive)
	}

	// Percentages are of the total.
	if got := dog.FlatPercent; got < 50 || got > 100 || got != 100*float64(dog.Flat)/float64(r.Total) {
		t.Errorf("flat%% %v", got)
	}
}

func TestRankOptions(t *testing.T) {
	p := readTestProfile(t)
	all, err := Rank(p, AllocSpace, RankOptions{Cutoff: -1})
	if err != nil {
		t.Fatal(err)
	}
	cut, _ := Rank(p, AllocSpace, RankOptions{})
	if all.Dropped != 0 || len(all.Functions) != len(cut.Functions)+cut.Dropped {
		t.Errorf("no cut-off: %d functions, %d dropped; cut-off: %d + %d dropped", len(all.Functions), all.Dropped, len(cut.Functions), cut.Dropped)
	}

	top, _ := Rank(p, AllocSpace, RankOptions{Top: 2})
	if len(top.Functions) != 2 || top.More != len(cut.Functions)-2 || top.Functions[1] != cut.Functions[1] {
		t.Errorf("top 2: %+v, %d more", top.Functions, top.More)
	}

	cum, _ := Rank(p, AllocSpace, RankOptions{Cum: true})
	if cum.Functions[0].Cum < cum.Functions[len(cum.Functions)-1].Cum {
		t.Errorf("not sorted by cum:%s", funcNames(cum.Functions))
	}
	for i := 1; i < len(cum.Functions); i++ {
		a, b := cum.Functions[i-1], cum.Functions[i]
		if a.Cum < b.Cum || (a.Cum == b.Cum && a.Name > b.Name) {
			t.Errorf("not sorted by cum: %s (%d) before %s (%d)", a.Name, a.Cum, b.Name, b.Cum)
		}
	}

	heap, err := Rank(p, InuseSpace, RankOptions{})
	if err != nil || heap.Functions[0].Name != "main.(*Mouse).Steal" {
		t.Errorf("inuse_space top: %v%s", err, funcNames(heap.Functions))
	}
	objs, err := Rank(p, AllocObjects, RankOptions{})
	if err != nil || objs.Unit != "count" {
		t.Errorf("alloc_objects: %v, unit %q", err, objs.Unit)
	}
	if _, err := Rank(p, "cpu", RankOptions{}); !errors.Is(err, ErrWrongKind) || !strings.Contains(err.Error(), "alloc_objects/count, alloc_space/bytes") {
		t.Errorf("Rank(cpu) = %v", err)
	}
}

// TestRankProfiler checks the profiler's own allocations are left out but
// still counted in the total.
func TestRankProfiler(t *testing.T) {
	loc := func(id uint64, fn string) *profile.Location {
		return &profile.Location{ID: id, Line: []profile.Line{{Function: &profile.Function{ID: id, Name: fn}, Line: 10}}}
	}
	app, enc, gz := loc(1, "main.work"), loc(2, "runtime/pprof.(*profileBuilder).build"), loc(3, "compress/flate.NewWriter")
	own := loc(4, "compress/flate.NewWriter")
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: AllocSpace, Unit: "bytes"}},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{app}, Value: []int64{900}},
			{Location: []*profile.Location{gz, enc}, Value: []int64{100}},
			{Location: []*profile.Location{own, app}, Value: []int64{50}},
		},
	}
	r, err := Rank(p, AllocSpace, RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 1050 || r.Profiler != 100 {
		t.Errorf("total %d, profiler %d; want 1050, 100", r.Total, r.Profiler)
	}
	if got := funcNames(r.Functions); got != "\n\tmain.work\n\tcompress/flate.NewWriter" {
		t.Errorf("functions:%s", got)
	}
	if f, _ := findFunc(r, "compress/flate.NewWriter"); f.Flat != 50 {
		t.Errorf("the program's own gzip writer has flat %d, want 50", f.Flat)
	}
	kept, _ := Rank(p, AllocSpace, RankOptions{KeepProfiler: true})
	if kept.Profiler != 0 || len(kept.Functions) != 3 {
		t.Errorf("KeepProfiler: profiler %d,%s", kept.Profiler, funcNames(kept.Functions))
	}
}

func TestList(t *testing.T) {
	p := readTestProfile(t)
	ls, err := List(p, AllocSpace, regexp.MustCompile(`descend|Dog`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].Name != "main.(*Dog).Run" || ls[1].Name != "main.descend" {
		t.Fatalf("listings %+v", ls)
	}
	r, _ := Rank(p, AllocSpace, RankOptions{})
	d := ls[1]
	desc, _ := findFunc(r, "main.descend")
	if d.Flat != desc.Flat || d.Cum != desc.Cum || d.Total != r.Total || !strings.HasSuffix(d.File, "churn/main.go") {
		t.Errorf("descend listing %+v, ranking %+v", d, desc)
	}
	// Two lines: the allocation (all the flat) and the recursive call
	// (cum of the samples that went deeper, each counted once).
	if len(d.Lines) != 2 {
		t.Fatalf("descend lines %+v", d.Lines)
	}
	alloc, call := d.Lines[0], d.Lines[1]
	if alloc.Line >= call.Line || alloc.Flat != d.Flat || alloc.Cum != d.Flat || call.Flat != 0 || call.Cum == 0 || call.Cum >= d.Cum {
		t.Errorf("descend lines %+v", d.Lines)
	}
	if desc.Line != alloc.Line {
		t.Errorf("hot line of descend %d, want %d", desc.Line, alloc.Line)
	}
	src, err := os.ReadFile("testdata/churn/main.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	if got := lines[alloc.Line-1]; !strings.Contains(got, "make([]byte, 64<<10)") {
		t.Errorf("line %d is %q, not descend's allocation", alloc.Line, got)
	}
	if got := lines[call.Line-1]; !strings.Contains(got, "descend(depth - 1)") {
		t.Errorf("line %d is %q, not descend's recursive call", call.Line, got)
	}
	if d.StartLine == 0 || d.StartLine > alloc.Line {
		t.Errorf("start line %d", d.StartLine)
	}

	none, err := List(p, AllocSpace, regexp.MustCompile(`nosuchfunction`))
	if err != nil || len(none) != 0 {
		t.Errorf("List(no match) = %v, %v", none, err)
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/gctrace/gctrace/bomb/zoo.(*Dog).Run":           "(*Dog).Run",
		"github.com/gctrace/gctrace/bomb/zoo.(*Dog).Run.func1":     "(*Dog).Run.func1",
		"github.com/gctrace/gctrace/bomb/zoo.churn":                "zoo.churn",
		"main.(*Mouse).Steal":                                      "(*Mouse).Steal",
		"main.main":                                                "main.main",
		"encoding/json.Marshal":                                    "json.Marshal",
		"gopkg.in/yaml.v3.(*decoder).unmarshal":                    "(*decoder).unmarshal",
		"example.com/m.Map[go.shape.struct { X example.com/n.T }]": "m.Map[go.shape.struct { X example.com/n.T }]",
		"runtime.malg":                                             "runtime.malg",
		"[binary]":                                                 "[binary]",
		"main.T.Method":                                            "main.T.Method",
		"main.(T).Method":                                          "(T).Method",
		"":                                                         "",
	} {
		if got := ShortName(in); got != want {
			t.Errorf("ShortName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShortFile(t *testing.T) {
	for in, want := range map[string]string{
		"/work/main/bomb/zoo/dog.go":                 "bomb/zoo/dog.go",
		"github.com/gctrace/gctrace/bomb/zoo/dog.go": "bomb/zoo/dog.go",
		"zoo/dog.go":                        "zoo/dog.go",
		"dog.go":                            "dog.go",
		"":                                  "",
		"/usr/local/go/src/runtime/proc.go": "src/runtime/proc.go",
	} {
		if got := ShortFile(in); got != want {
			t.Errorf("ShortFile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for in, want := range map[int64]string{
		0:                       "0 B",
		512:                     "512 B",
		1023:                    "1023 B",
		1024:                    "1.00 KiB",
		1536:                    "1.50 KiB",
		16 << 20:                "16.0 MiB",
		160 << 20:               "160 MiB",
		1<<30 - 1:               "1.00 GiB",
		-2048:                   "-2.00 KiB",
		7 << 60:                 "7.00 EiB",
		1023*1024 + 1023:        "1.00 MiB",
		int64(2.25 * (1 << 30)): "2.25 GiB",
	} {
		if got := FormatBytes(in); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", in, got, want)
		}
	}
}
