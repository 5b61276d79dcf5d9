package plot

import (
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// Subscriber returns the engine subscriber that feeds the builder every GC
// cycle and forced GC of the stream. Reading a file, it takes the records
// beside the analyzer, on a core of its own (engine.Concurrent).
func (b *Builder) Subscriber() engine.Subscriber { return builderSub{b: b} }

type builderSub struct {
	engine.Base
	b *Builder
}

func (s builderSub) Record(rec parser.Record) {
	switch rec := rec.(type) {
	case *parser.GC:
		s.b.Add(rec)
	case *parser.Runtime:
		if rec.Kind == parser.KindForced {
			s.b.AddForced(rec.Pos)
		}
	}
}

func (builderSub) Concurrent() bool { return true }
