// Command gentrace prints a synthetic GODEBUG=gctrace=1 trace in the Go
// 1.26 line format, as long as asked, for measuring gctrace on inputs far
// larger than a real run gives in a test. The numbers are simulated, not
// recorded: a GOGC=100 pacer over a live heap that wanders, drifts up and
// drops, driven by an allocation rate that swings between phases, with an
// occasional runtime.GC() and a line of program output now and then. The
// same -seed always prints the same trace.
//
//	go run ./bench/gentrace -n 2000000 > /tmp/big.log   # about 300 MB
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
)

func main() {
	n := flag.Int("n", 2000000, "number of GC cycles")
	procs := flag.Int("procs", 8, "GOMAXPROCS printed on every line")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()

	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	gen(w, *n, *procs, rand.New(rand.NewSource(*seed)))
}

const (
	mib = 1 << 20
	ms  = 1e6 // ns
)

func gen(w *bufio.Writer, n, procs int, rng *rand.Rand) {
	var (
		t      float64 = 3 * ms // ns since process start
		live   float64 = 3 * mib
		gcCPU  float64 // ns, for the cumulative %
		buf    []byte
		stacks = 0.0
	)
	P := float64(procs)
	for i := 1; i <= n; i++ {
		// The allocation rate (bytes/ns) swings slowly between about 100
		// MB/s and 2 GB/s, with bursts.
		phase := float64(i) / 50000
		rate := 0.1 + 0.9*(1+math.Sin(phase))
		if rng.Intn(200) == 0 {
			rate *= 4
		}
		// The live heap wanders around a slow drift, and drops now and then.
		live += (rng.Float64() - 0.49) * 0.02 * live
		if rng.Intn(20000) == 0 {
			live *= 0.3
		}
		live = math.Max(live, 1*mib)
		goal := math.Max(4*mib, 2*live)
		forced := rng.Intn(5000) == 0

		h0 := goal * (0.85 + 0.1*rng.Float64())
		if forced {
			h0 = live + (goal-live)*rng.Float64()
		}
		mark := (0.2 + 3*rng.Float64()*live/(64*mib)) * ms
		h1 := h0 + rate*mark*0.3
		next := live * (0.9 + 0.2*rng.Float64())
		stw1 := (0.01 + 0.2*rng.Float64()*rng.Float64()) * ms
		stw2 := (0.01 + 0.3*rng.Float64()*rng.Float64()) * ms
		if rng.Intn(10000) == 0 {
			stw2 += 20 * ms * rng.Float64() // a rare long pause
		}
		assist := mark * P * 0.1 * rate * rng.Float64()
		bg := mark * P * 0.25
		idle := mark * P * 0.1 * rng.Float64()
		gcCPU += P*(stw1+stw2) + assist + bg

		pct := 0
		if t > 0 {
			pct = int(100 * gcCPU / (t * P))
		}
		buf = buf[:0]
		buf = append(buf, "gc "...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, " @"...)
		buf = appendSeconds(buf, int64(t))
		buf = append(buf, "s "...)
		buf = strconv.AppendInt(buf, int64(pct), 10)
		buf = append(buf, "%: "...)
		buf = appendMS(buf, stw1)
		buf = append(buf, '+')
		buf = appendMS(buf, mark)
		buf = append(buf, '+')
		buf = appendMS(buf, stw2)
		buf = append(buf, " ms clock, "...)
		buf = appendMS(buf, stw1*P)
		buf = append(buf, '+')
		buf = appendMS(buf, assist)
		buf = append(buf, '/')
		buf = appendMS(buf, bg)
		buf = append(buf, '/')
		buf = appendMS(buf, idle)
		buf = append(buf, '+')
		buf = appendMS(buf, stw2*P)
		buf = append(buf, " ms cpu, "...)
		buf = strconv.AppendInt(buf, int64(h0)/mib, 10)
		buf = append(buf, "->"...)
		buf = strconv.AppendInt(buf, int64(h1)/mib, 10)
		buf = append(buf, "->"...)
		buf = strconv.AppendInt(buf, int64(next)/mib, 10)
		buf = append(buf, " MB, "...)
		buf = strconv.AppendInt(buf, int64(goal)/mib, 10)
		buf = append(buf, " MB goal, "...)
		buf = strconv.AppendInt(buf, int64(stacks)/mib, 10)
		buf = append(buf, " MB stacks, 0 MB globals, "...)
		buf = strconv.AppendInt(buf, int64(procs), 10)
		buf = append(buf, " P"...)
		if forced {
			buf = append(buf, " (forced)"...)
		}
		buf = append(buf, '\n')
		w.Write(buf)
		if i%1000 == 0 {
			fmt.Fprintf(w, "app: served %d requests\n", i*37)
		}

		live = next
		// The next cycle starts when the heap, growing from the live heap
		// at the allocation rate, nears the next goal.
		nextGoal := math.Max(4*mib, 2*live)
		t += stw1 + mark + stw2 + (nextGoal*0.9-live)/rate
	}
}

// appendSeconds prints ns as seconds with three decimals, truncated, as
// the runtime's itoaDiv does.
func appendSeconds(b []byte, ns int64) []byte {
	msec := ns / 1e6
	b = strconv.AppendInt(b, msec/1000, 10)
	b = append(b, '.')
	frac := msec % 1000
	b = append(b, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return b
}

// appendMS prints ns in ms with the runtime's fmtNSAsMS precision rules:
// truncated, whole ms from 10 ms, at most two significant digits below.
func appendMS(b []byte, nsf float64) []byte {
	ns := uint64(nsf)
	if ns >= 10e6 {
		return strconv.AppendUint(b, ns/1e6, 10)
	}
	x := ns / 1e3
	if x == 0 {
		return append(b, '0')
	}
	dec := 3
	for x >= 100 {
		x /= 10
		dec--
	}
	s := strconv.AppendUint(nil, x, 10)
	for len(s) <= dec {
		s = append([]byte{'0'}, s...)
	}
	b = append(b, s[:len(s)-dec]...)
	b = append(b, '.')
	return append(b, s[len(s)-dec:]...)
}
