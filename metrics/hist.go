package metrics

import (
	"math"
	"sort"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// pauseBuckets are the classic buckets of the pause histogram, in seconds:
// from the 10 µs a healthy pause takes to the second of a sick one.
var pauseBuckets = []float64{10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1}

// nativeSchema 3 gives buckets growing by 2^(1/8), about 9% each: the
// resolution client_golang picks for a bucket factor of 1.1.
const nativeSchema = 3

// zeroThreshold is client_golang's default: only a pause printed as 0
// falls in the zero bucket.
const zeroThreshold = prometheus.DefNativeHistogramZeroThreshold

// hist is a pause histogram kept both ways, so that histograms of several
// processes can be added up when they are folded into one series. The
// sparse buckets are bounded by the range of pauses, not their number.
type hist struct {
	count   uint64
	sum     float64
	classic [16]uint64 // per bucket of pauseBuckets, not cumulative
	zero    uint64
	sparse  map[int]uint64
}

func (h *hist) observe(v float64) {
	h.count++
	h.sum += v
	if i := sort.SearchFloat64s(pauseBuckets, v); i < len(pauseBuckets) {
		h.classic[i]++
	}
	if v <= zeroThreshold {
		h.zero++
		return
	}
	if h.sparse == nil {
		h.sparse = map[int]uint64{}
	}
	h.sparse[nativeIndex(v)]++
}

// nativeIndex is the bucket i with 2^((i-1)/8) < v <= 2^(i/8).
func nativeIndex(v float64) int {
	return int(math.Ceil(math.Log2(v) * (1 << nativeSchema)))
}

// snapshot returns a copy that later observations do not change.
func (h *hist) snapshot() hist {
	c := *h
	c.sparse = nil
	c.merge(&hist{sparse: h.sparse})
	return c
}

func (h *hist) merge(o *hist) {
	h.count += o.count
	h.sum += o.sum
	for i, n := range o.classic {
		h.classic[i] += n
	}
	h.zero += o.zero
	for k, n := range o.sparse {
		if h.sparse == nil {
			h.sparse = map[int]uint64{}
		}
		h.sparse[k] += n
	}
}

// write fills m's histogram with both the classic buckets and the native
// ones; the exposition format the scrape asks for decides which are sent.
func (h *hist) write(m *dto.Histogram) {
	count, sum := h.count, h.sum
	schema, zt, zero := int32(nativeSchema), zeroThreshold, h.zero
	m.SampleCount, m.SampleSum = &count, &sum
	m.Schema, m.ZeroThreshold, m.ZeroCount = &schema, &zt, &zero
	var cum uint64
	m.Bucket = make([]*dto.Bucket, len(pauseBuckets))
	for i, le := range pauseBuckets {
		cum += h.classic[i]
		c, ub := cum, le
		m.Bucket[i] = &dto.Bucket{CumulativeCount: &c, UpperBound: &ub}
	}
	keys := make([]int, 0, len(h.sparse))
	for k := range h.sparse {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var prev int64
	for i, k := range keys {
		if i == 0 || k != keys[i-1]+1 {
			off := int32(k)
			if i > 0 {
				off = int32(k - keys[i-1] - 1)
			}
			m.PositiveSpan = append(m.PositiveSpan, &dto.BucketSpan{Offset: &off, Length: new(uint32)})
		}
		*m.PositiveSpan[len(m.PositiveSpan)-1].Length++
		n := int64(h.sparse[k])
		m.PositiveDelta = append(m.PositiveDelta, n-prev)
		prev = n
	}
	if len(keys) == 0 && zero == 0 {
		// A histogram with no native bucket at all would read as classic
		// only; an empty span keeps it native.
		off := int32(0)
		m.PositiveSpan = []*dto.BucketSpan{{Offset: &off, Length: new(uint32)}}
	}
}
