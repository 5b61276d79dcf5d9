/*
Package engine reads GC traces through the parser and the analyzer and
hands every record, finding, attribution and report to its subscribers.

It is the streaming pipeline of gctrace analyze, check, run, plot and demo:
the inputs (files decoded in pieces on every core with parser.ReadParallel,
standard input, a child's standard error read as it comes) go through one
analyzer, and each output of the stream is a Subscriber that sees every
record once, in order, without reading the input again:

	eng := engine.New(engine.Options{
		Config:      analyze.DefaultConfig(),
		Stdin:       os.Stdin,
		Subscribers: []engine.Subscriber{console, exporter},
	})
	eng.Subscribe(page) // one more output: one line
	interrupted, err := eng.Read(ctx, []string{"run.log"})
	res := eng.Finish(interrupted)
	report.Write(os.Stdout, report.Text, res)

While reading, each subscriber receives every record (Record), each
finding the moment it is detected (Finding), the finding again once a
profile names the code behind it (Attribution, with Options.Profiles), the
analysis so far about once a second (Progress), and the final report at the
end (Done). Finish returns the same final report as a Result, with the notes
of the budgets and profile pulls and the account of the inputs (Tally),
ready for the writers of package report.

A subscriber that only needs records and is slow (a chart builder) can say
so (Concurrent): reading a file, it then takes each batch of records on a
core of its own beside the analyzer.

EachInput and Records are the input loop for commands that need the
records but no analysis (gctrace export).
*/
package engine
