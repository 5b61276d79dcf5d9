package zoo

import (
	"context"
	"sync"
	"time"
)

// Wolf leaks goroutines and holds locks: the goroutine and mutex profiles'
// exhibit.
type Wolf struct {
	log *logger
	// pack counts the goroutines Drink leaves behind, so that the runner
	// can wait for them; they last 30 s or until ctx is done.
	pack sync.WaitGroup
}

// Drink starts 10 goroutines that sleep for 30 s: a leak while they live.
func (w *Wolf) Drink(ctx context.Context) {
	w.log.printf("wolf drink")
	for range 10 {
		w.pack.Add(1)
		go func() {
			defer w.pack.Done()
			sleep(ctx, 30*time.Second)
		}()
	}
}

// Howl waits for a mutex that another goroutine holds for 1 s.
func (w *Wolf) Howl(ctx context.Context) {
	w.log.printf("wolf howl")
	var m sync.Mutex
	m.Lock()
	go func() {
		sleep(ctx, time.Second)
		m.Unlock()
	}()
	m.Lock()
}

// Wait waits for the goroutines Drink started.
func (w *Wolf) Wait() { w.pack.Wait() }

func runWolf(ctx context.Context, e *env) {
	w := &Wolf{log: e.log}
	defer w.Wait()
	every(ctx, e.cfg.Interval, func() {
		w.Drink(ctx)
		w.Howl(ctx)
	})
}
