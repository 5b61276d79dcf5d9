package attribute

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestUsageBetween takes two snapshots of a real heap profile around a
// churn and a hoard, and checks that the churn leads the allocators with
// nothing kept and the hoard leads the growers.
func TestUsageBetween(t *testing.T) {
	srv := newPprofServer(t, nil)
	src := mustSource(t, srv.URL)
	ctx := context.Background()
	runtime.GC()
	before, err := Fetch(ctx, src, FetchOptions{Profile: "heap"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the snapshots' times must differ
	var h hog
	h.churn(64)
	h.hoard(16)
	// A profile covers completed cycles: two make the second one's
	// frees and allocations visible.
	runtime.GC()
	runtime.GC()
	after, err := Fetch(ctx, src, FetchOptions{Profile: "heap"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := UsageBetween(before, after, 3)
	if err != nil {
		t.Fatal(err)
	}
	if u.Window <= 0 {
		t.Errorf("window %v, want the time between the snapshots", u.Window)
	}
	if len(u.Allocators) == 0 || u.Allocators[0].Name != churnName {
		t.Fatalf("allocators %+v, want %s first", u.Allocators, churnName)
	}
	churn := u.Allocators[0]
	if churn.Allocated < 48<<20 || churn.Growth > 2<<20 || churn.Short != "(*hog).churn" || churn.Where == "" {
		t.Errorf("churn %+v: want about 64 MiB allocated, nothing kept, a short name and a place", churn)
	}
	if churn.Size != 1<<20 {
		t.Errorf("churn allocation size %d, want 1 MiB", churn.Size)
	}
	if r := u.Rate(churn); r <= 0 {
		t.Errorf("churn rate %g, want > 0", r)
	}
	if len(u.Growers) == 0 || u.Growers[0].Name != hoardName {
		t.Fatalf("growers %+v, want %s first", u.Growers, hoardName)
	}
	if g := u.Growers[0]; g.Growth < 12<<20 || g.Share <= 0 || g.Share > 1.01 {
		t.Errorf("hoard %+v: want about 16 MiB more in use, with its share", g)
	}
	if u.Allocated < churn.Allocated || u.Growth < 12<<20 {
		t.Errorf("totals: allocated %d, growth %d", u.Allocated, u.Growth)
	}

	// One profile alone: allocations since the start, no window.
	one, err := UsageBetween(nil, after, 3)
	if err != nil {
		t.Fatal(err)
	}
	if one.Window != 0 || one.Rate(one.Allocators[0]) != 0 || one.Allocated < u.Allocated {
		t.Errorf("usage of one profile: window %v, allocated %d (the delta's %d)", one.Window, one.Allocated, u.Allocated)
	}
}
