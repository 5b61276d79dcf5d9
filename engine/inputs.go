package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// Input is one input being read: a file named on the command line, or
// standard input ("-").
type Input struct {
	Name string
	// R reads the input from where it stands.
	R io.Reader
	// ModTime is when a named file was last written; zero for standard
	// input.
	ModTime time.Time

	// at is set when the input is a regular file: its reads never block
	// and can start anywhere, so that it can be decoded in pieces at once
	// (parser.ReadParallel). It holds the size bytes from the file's
	// offset on, as the file stood when it was opened: a log still being
	// written is read up to there (to follow one, pipe it).
	at   io.ReaderAt
	size int64
}

// EachInput calls fn for every named input, in order: files, or "-" (and
// no names at all) for stdin. Every file is checked before any is read,
// so that a typo in the last name does not come to light after minutes of
// reading the first. Errors are one sentence naming the input.
func EachInput(stdin io.Reader, names []string, fn func(in *Input) error) error {
	if len(names) == 0 {
		names = []string{"-"}
	}
	if err := CheckInputs(names); err != nil {
		return err
	}
	for _, name := range names {
		if err := readInput(stdin, name, fn); err != nil {
			return err
		}
	}
	return nil
}

// CheckInputs says in one sentence why one of the named inputs cannot be
// read, or returns nil. "-" (stdin) is not checked.
func CheckInputs(names []string) error {
	for _, name := range names {
		if name == "-" {
			continue
		}
		fi, err := os.Stat(name)
		if err := inputError(name, fi, err); err != nil {
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
		return fmt.Errorf("cannot read %s: %v", name, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("cannot read %s: it is a directory", name)
	}
	return nil
}

func readInput(stdin io.Reader, name string, fn func(in *Input) error) error {
	in := &Input{Name: name, R: stdin}
	f, isFile := stdin.(*os.File)
	if name != "-" {
		var err error
		if f, err = os.Open(name); err != nil {
			return inputError(name, nil, err)
		}
		defer f.Close()
		in.R, isFile = f, true
	}
	var off int64
	if isFile {
		// Standard input may have been read from before: start where it
		// stands. A file that says it is empty may not be (/proc): it is
		// read as it comes.
		fi, err := f.Stat()
		var serr error
		off, serr = f.Seek(0, io.SeekCurrent)
		if err == nil && name != "-" {
			in.ModTime = fi.ModTime()
		}
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
	return nil
}

// Records calls fn with every record of the named inputs, read one after
// the other as they come (a pipe's records the moment their line arrives),
// and returns the account of what was read. Syntax errors are counted in
// it and handed to fn like any record. It is the loop of a command that
// needs the records and no analysis (gctrace export).
func Records(stdin io.Reader, names []string, fn func(parser.Record) error) (Tally, error) {
	var t Tally
	err := EachInput(stdin, names, func(in *Input) error {
		r := parser.NewReader(in.R, in.Name)
		for r.Scan() {
			rec := r.Record()
			if se, ok := rec.(*parser.SyntaxError); ok {
				t.Note(se)
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		t.Add(r.Stats())
		if err := r.Err(); err != nil {
			return fmt.Errorf("reading %s: %w", in.Name, err)
		}
		return nil
	})
	return t, err
}

// Tally adds up what the readers of several inputs saw, and keeps the
// first syntax errors so that they can be shown with their file:line.
type Tally struct {
	parser.Stats
	Inputs int // inputs read
	// Shown holds the first syntax errors ("FILE:LINE: ..."), Unshown
	// counts the rest.
	Shown   []string
	Unshown int64
}

// ShownErrors is how many syntax errors a Tally keeps.
const ShownErrors = 10

// Add counts the stats of one more input.
func (t *Tally) Add(st parser.Stats) {
	t.Inputs++
	t.Stats.Add(st)
}

// Note keeps a syntax error for the account.
func (t *Tally) Note(e *parser.SyntaxError) {
	if len(t.Shown) < ShownErrors {
		t.Shown = append(t.Shown, e.Error())
	} else {
		t.Unshown++
	}
}

// NoTrace explains in one sentence why the inputs held no GC line, or
// returns nil.
func (t *Tally) NoTrace() error {
	if t.GC > 0 {
		return nil
	}
	switch {
	case t.Lines == 0:
		return errors.New("no GC trace found: the input is empty")
	case t.NULLines > 0:
		return errors.New("no GC trace found: the input looks like binary data, not text printed by a Go program")
	case t.Errors > 0:
		return errors.New("no GC trace found: every GC-like line failed to parse (see above)")
	}
	return errors.New("no GC trace found: run the program with GODEBUG=gctrace=1 and send its standard error too (2>&1)")
}
