package zoo

import "runtime/metrics"

// liveHeap returns the bytes the last GC marked live. The spike reads it to
// tell when the runtime has seen its batch go.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
