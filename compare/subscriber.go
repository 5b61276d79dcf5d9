package compare

import (
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// Subscriber is the collector as an output of an engine: it takes every
// record in order.
func (c *Collector) Subscriber() engine.Subscriber { return collectorSub{c: c} }

type collectorSub struct {
	engine.Base
	c *Collector
}

func (s collectorSub) Record(rec parser.Record) { s.c.Add(rec) }
