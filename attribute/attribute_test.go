package attribute

import (
	"context"
	"errors"
	"math"
	"regexp"
	"runtime"
	"testing"
	"time"
)

func TestAttributeAllocs(t *testing.T) {
	t.Parallel()
	srv := newPprofServer(t, nil)
	churnDuring(t)
	a, err := Attribute(context.Background(), mustSource(t, srv.URL), Allocs, 900*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != Allocs || a.Sample != AllocSpace || a.Window < 900*time.Millisecond || a.Window > 10*time.Second || a.Source != srv.URL+"/debug/pprof/" {
		t.Errorf("attribution %+v", a)
	}
	if len(a.Top) == 0 || a.Top[0].Name != churnName || a.Top[0].Short != "(*hog).churn" {
		t.Fatalf("top %+v", a.Top)
	}
	top := a.Top[0]
	if top.Size != 1<<20 {
		t.Errorf("(*hog).churn allocates %d bytes at a time, want 1 MiB", top.Size)
	}
	// "97% by (*hog).churn (main/attribute/server_test.go:30, 1.00 MiB per allocation)"
	want := regexp.MustCompile(`^\d+% by \(\*hog\)\.churn \([^ ]*attribute/server_test\.go:\d+, 1\.00 MiB per allocation\)`)
	if !want.MatchString(a.Summary) {
		t.Errorf("summary %q does not match %v", a.Summary, want)
	}
	for i, s := range a.Top {
		if i > 0 && s.Share < 0.05 {
			t.Errorf("top %d has only %.3f", i, s.Share)
		}
		if math.Abs(s.Share-float64(s.Flat)/float64(a.Total)) > 1e-9 {
			t.Errorf("share %v of %d/%d", s.Share, s.Flat, a.Total)
		}
	}

	// A trace that saw exactly what the profile saw.
	rate := float64(a.Total) / a.Window.Seconds()
	rec := a.Reconcile(rate)
	if math.Abs(rec.Coverage-1) > 1e-9 || rec.Explained < top.Share || rec.Explained > 1+1e-9 {
		t.Errorf("reconcile with the profile's own rate: %+v", rec)
	}
	// A trace that saw twice as much: the profile sees half.
	if rec := a.Reconcile(2 * rate); math.Abs(rec.Coverage-0.5) > 1e-9 {
		t.Errorf("reconcile with twice the rate: %+v", rec)
	}
}

func TestAttributeHeap(t *testing.T) {
	t.Parallel()
	srv := newPprofServer(t, nil)
	new(hog).hoard(64)
	runtime.GC()
	a, err := Attribute(context.Background(), mustSource(t, srv.URL), Heap, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != Heap || a.Sample != InuseSpace || a.Window != 0 || len(a.Top) == 0 || a.Top[0].Name != hoardName {
		t.Fatalf("heap attribution %+v", a)
	}
	if a.Top[0].Size != 1<<20 || a.Top[0].Flat < 32<<20 {
		t.Errorf("hoard %+v", a.Top[0])
	}
	if rec := a.Reconcile(1e6); rec.ProfileRate != 0 || rec.String() != "no allocation rate to compare" {
		t.Errorf("a heap snapshot has no rate: %+v", rec)
	}
	if _, err := Attribute(context.Background(), mustSource(t, srv.URL), Heap, time.Second); err == nil {
		t.Errorf("a heap attribution took a window")
	}
}

func TestAttributeErrors(t *testing.T) {
	t.Parallel()
	if _, err := Attribute(context.Background(), mustSource(t, "http://127.0.0.1:1"), Allocs, 0); !errors.Is(err, ErrUnreachable) {
		t.Errorf("unreachable: %v", err)
	}
	if _, err := Attribute(context.Background(), mustSource(t, testProfile), Kind(7), 0); err == nil {
		t.Errorf("unknown kind accepted")
	}
	a, err := Attribute(context.Background(), mustSource(t, testProfile), Allocs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "70% by (*Dog).Run (testdata/churn/main.go:24, 1.00 MiB per allocation), 11% by main.descend (testdata/churn/main.go:43, 64.0 KiB per allocation), 10% by main.record (testdata/churn/main.go:51, 32.0 KiB per allocation)"; a.Summary != want {
		t.Errorf("summary\n%s\nwant\n%s", a.Summary, want)
	}
}

func TestKindFor(t *testing.T) {
	for rule, want := range map[string]Kind{
		"alloc-churn": Allocs, "gc-frequency": Allocs, "high-gc-cpu": Allocs, "mark-assist": Allocs,
		"heap-doubling": Heap, "live-heap-growth": Heap,
		"long-pause": 0, "forced-gc": 0, "": 0,
	} {
		got, ok := KindFor(rule)
		if got != want || ok != (want != 0) {
			t.Errorf("KindFor(%q) = %v, %v; want %v", rule, got, ok, want)
		}
	}
	if Allocs.String() != "allocs" || Heap.String() != "heap" || Kind(9).String() != "Kind(9)" {
		t.Errorf("Kind strings %v %v %v", Allocs, Heap, Kind(9))
	}
}

func TestReconcile(t *testing.T) {
	r := Reconcile(1600<<20, 10*time.Second, 200<<20)
	if r.ProfileRate != 160<<20 || r.TraceRate != 200<<20 || r.Coverage != 0.8 || r.Window != 10*time.Second {
		t.Errorf("Reconcile = %+v", r)
	}
	if got, want := r.String(), "profile 160 MiB/s, trace 200 MiB/s: the profile sees 80% of the churn"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if r := Reconcile(100, 0, 50); r.Coverage != 0 || r.ProfileRate != 0 {
		t.Errorf("no window: %+v", r)
	}
	if r := Reconcile(100, time.Second, 0); r.Coverage != 0 || r.String() != "no allocation rate to compare" {
		t.Errorf("no trace rate: %+v", r)
	}
}
