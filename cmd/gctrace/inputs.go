package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/gctrace/gctrace/parser"
)

// eachInput calls fn for every input named on the command line, in
// order: files, or "-" (and no arguments) for standard input.
func eachInput(s *streams, args []string, fn func(in *input) error) error {
	if len(args) == 0 {
		args = []string{"-"}
	}
	// Check every file before reading any, so that a typo in the last name
	// does not come to light after minutes of reading the first.
	for _, name := range args {
		if name == "-" {
			continue
		}
		fi, err := os.Stat(name)
		if err := inputError(name, fi, err); err != nil {
			return err
		}
	}
	for _, name := range args {
		if err := readInput(s, name, fn); err != nil {
			return err
		}
	}
	return nil
}

// inputError says in one sentence why a named input cannot be read, or
// returns nil.
func inputError(name string, fi fs.FileInfo, err error) error {
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot read %s: %v", name, err)}
	}
	if fi.IsDir() {
		return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot read %s: it is a directory", name)}
	}
	return nil
}

// input is one input being read.
type input struct {
	name string
	r    *parser.Reader // reads the input as it comes
	// at is set when the input is a regular file: its reads never block
	// and can start anywhere, so that it can be decoded in pieces at once
	// (parser.ReadParallel). It holds the size bytes from the file's
	// offset on, as the file stood when it was opened: a log still being
	// written is read up to there (to follow one, pipe it).
	at   io.ReaderAt
	size int64
}

func readInput(s *streams, name string, fn func(in *input) error) error {
	var rd io.Reader = s.In
	f, isFile := s.In.(*os.File)
	if name != "-" {
		var err error
		if f, err = os.Open(name); err != nil {
			return inputError(name, nil, err)
		}
		defer f.Close()
		rd, isFile = f, true
	}
	in := &input{name: name, r: parser.NewReader(rd, name)}
	var off int64
	if isFile {
		// Standard input may have been read from before: start where it
		// stands. A file that says it is empty may not be (/proc): it is
		// read as it comes.
		fi, err := f.Stat()
		var serr error
		off, serr = f.Seek(0, io.SeekCurrent)
		if err == nil && serr == nil && fi.Mode().IsRegular() && off < fi.Size() {
			in.size = fi.Size() - off
			in.at = io.NewSectionReader(f, off, in.size)
		}
	}
	if err := fn(in); err != nil {
		return err
	}
	if in.at != nil && name == "-" {
		// Leave standard input where reading it ends, as a read would,
		// for whatever reads it next.
		if _, err := f.Seek(off+in.size, io.SeekStart); err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
	if err := in.r.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	return nil
}

// tally adds up what the readers of several inputs saw, and keeps the first
// syntax errors so they can be shown with their file:line.
type tally struct {
	parser.Stats
	inputs   int
	errs     []string
	moreErrs int64
}

const shownErrors = 10

func (t *tally) add(st parser.Stats) {
	t.inputs++
	t.Stats.Add(st)
}

// note records a syntax error for the summary.
func (t *tally) note(e *parser.SyntaxError) {
	if len(t.errs) < shownErrors {
		t.errs = append(t.errs, e.Error())
	} else {
		t.moreErrs++
	}
}

// summary is the one-paragraph account printed on stderr at the end: how
// many lines were read, parsed, passed through and not understood.
func (t *tally) summary(w io.Writer) {
	fmt.Fprintf(w, "gctrace: read %d %s: %d GC %s in %d %s, %d other runtime %s, %d passed through, %d not understood\n",
		t.Lines, plural(t.Lines, "line", "lines"), t.GC, plural(t.GC, "cycle", "cycles"),
		t.Processes, plural(int64(t.Processes), "process", "processes"),
		t.Runtime, plural(t.Runtime, "line", "lines"), t.Text, t.Errors)
	for _, e := range t.errs {
		fmt.Fprintf(w, "%s\n", e)
	}
	if t.moreErrs > 0 {
		fmt.Fprintf(w, "… and %d more lines not understood\n", t.moreErrs)
	}
}

// noTrace explains why an input held no GC line, or returns nil.
func (t *tally) noTrace() error {
	if t.GC > 0 {
		return nil
	}
	switch {
	case t.Lines == 0:
		return &exitStatus{code: exitError, msg: "no GC trace found: the input is empty"}
	case t.NULLines > 0:
		return &exitStatus{code: exitError, msg: "no GC trace found: the input looks like binary data, not text printed by a Go program"}
	case t.Errors > 0:
		return &exitStatus{code: exitError, msg: "no GC trace found: every GC-like line failed to parse (see above)"}
	}
	return &exitStatus{code: exitError, msg: "no GC trace found: run the program with GODEBUG=gctrace=1 and send its standard error too (2>&1)"}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
