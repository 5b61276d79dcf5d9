package attribute

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/google/pprof/profile"
)

// DefaultTimeout bounds how long Fetch waits for an answer beyond the
// window it asked for.
const DefaultTimeout = 30 * time.Second

// maxProfileBytes caps what Fetch reads from an endpoint, so a server
// streaming something endless cannot exhaust memory. Real allocation
// profiles are a few MiB at most.
const maxProfileBytes = 256 << 20

// FetchOptions say which profile Fetch pulls and how.
type FetchOptions struct {
	// Profile is the profile to ask a base URL for: "allocs" (the
	// default) or "heap". Both serve the same four columns and differ only
	// in their default sample type. Ignored when the source names a
	// profile or is a file.
	Profile string
	// Seconds asks for a delta over the next Seconds seconds: what was
	// allocated in that window rather than since the program started.
	// Zero takes the profile as it stands, unless the source URL carries
	// ?seconds=N. Deltas keep the alloc_* columns only: in-use bytes are
	// a level, not a flow, so take a snapshot for them.
	Seconds int
	// ForceSnapshots computes the delta here from two snapshots Seconds
	// apart instead of asking the server for it. Fetch does this by
	// itself when the server cannot (Go before 1.15, a proxy that drops
	// the parameter, a handler that refuses it).
	ForceSnapshots bool
	// Timeout bounds each request beyond the window; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Client makes the requests; nil means a client with no timeout of
	// its own (Timeout applies).
	Client *http.Client
}

// Fetch reads a profile from src: from the file, or from the
// net/http/pprof endpoint, as a delta over opt.Seconds when asked.
//
// For a delta it first asks the server (?seconds=N, Go 1.15 and later).
// If the server refuses (an HTTP error other than 404) or answers with a
// cumulative profile (it ignored the parameter), Fetch takes a second
// snapshot N seconds after the first and subtracts them itself. Errors
// about the source are *Error values.
func Fetch(ctx context.Context, src Source, opt FetchOptions) (*profile.Profile, error) {
	seconds := opt.Seconds
	if seconds == 0 {
		seconds = src.Seconds
	}
	if seconds < 0 {
		return nil, fmt.Errorf("the window must be a positive number of seconds, not %d", seconds)
	}
	if src.IsFile() {
		if seconds > 0 {
			return nil, fmt.Errorf("%s: a profile file is a fixed snapshot, so it has no window; ask a live endpoint for a delta", src.File)
		}
		return readFile(src.File)
	}
	if src.URL == "" {
		return nil, errors.New("empty profile source")
	}
	f := fetcher{src: src, opt: opt}
	if seconds == 0 {
		return f.get(ctx, 0)
	}
	var first *profile.Profile
	if !opt.ForceSnapshots {
		p, err := f.get(ctx, seconds)
		switch {
		case err == nil && p.DurationNanos > 0:
			p, err = allocOnly(p)
			return p, withSource(err, src.String())
		case err == nil:
			// The server ignored ?seconds and answered at once with
			// the cumulative profile: that is the first snapshot.
			first = p
		case errors.Is(err, ErrStatus):
			// The server cannot compute the delta; do it here.
		default:
			return nil, err
		}
	}
	return f.snapshots(ctx, seconds, first)
}

type fetcher struct {
	src Source
	opt FetchOptions
}

func (f fetcher) name() string {
	if f.opt.Profile != "" {
		return f.opt.Profile
	}
	return "allocs"
}

// snapshots takes two cumulative profiles seconds apart (first, if not
// nil, is the earlier one) and returns their difference.
func (f fetcher) snapshots(ctx context.Context, seconds int, first *profile.Profile) (*profile.Profile, error) {
	var err error
	start := time.Now()
	if first == nil {
		if first, err = f.get(ctx, 0); err != nil {
			return nil, err
		}
		start = time.Now()
	}
	t := time.NewTimer(time.Duration(seconds) * time.Second)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
	}
	second, err := f.get(ctx, 0)
	if err != nil {
		return nil, err
	}
	d, err := Delta(first, second)
	if err != nil {
		return nil, withSource(err, f.src.String())
	}
	if d.DurationNanos <= 0 {
		d.DurationNanos = time.Since(start).Nanoseconds()
	}
	return d, nil
}

// get requests the profile once; seconds > 0 adds ?seconds=N and waits
// that much longer.
func (f fetcher) get(ctx context.Context, seconds int) (*profile.Profile, error) {
	u, err := f.src.profileURL(f.name(), seconds)
	if err != nil {
		return nil, &Error{Kind: ErrUnreachable, Source: f.src.URL, Msg: "not a valid URL", Err: err}
	}
	timeout := f.opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, time.Duration(seconds)*time.Second+timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &Error{Kind: ErrUnreachable, Source: u, Msg: "not a valid URL", Err: err}
	}
	client := f.opt.Client
	if client == nil {
		client = http.DefaultClient
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, netError(ctx, u, req.URL.Host, time.Since(start), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	if err != nil {
		return nil, netError(ctx, u, req.URL.Host, time.Since(start), err)
	}
	if len(body) > maxProfileBytes {
		return nil, &Error{Kind: ErrBadProfile, Source: u, Msg: fmt.Sprintf("the answer is larger than %d MiB, which no allocation profile is", maxProfileBytes>>20)}
	}
	switch {
	case resp.StatusCode == http.StatusNotFound && resp.Header.Get("X-Go-Pprof") != "":
		return nil, &Error{Kind: ErrNotEnabled, Source: u, Msg: fmt.Sprintf("pprof is served there but has no profile named %q; use allocs or heap", f.name())}
	case resp.StatusCode == http.StatusNotFound:
		return nil, &Error{Kind: ErrNotEnabled, Source: u, Msg: `answered 404 Not Found, so pprof is not enabled there: import _ "net/http/pprof" and serve http.DefaultServeMux, or register the net/http/pprof handlers on your mux`}
	case resp.StatusCode != http.StatusOK:
		msg := fmt.Sprintf("answered %s", resp.Status)
		if line := firstLine(body); line != "" && !isHTML(resp.Header, body) {
			msg += ": " + line
		}
		return nil, &Error{Kind: ErrStatus, Source: u, Msg: msg}
	case isHTML(resp.Header, body):
		return nil, &Error{Kind: ErrNotProfile, Source: u, Msg: "answered with an HTML page, not a profile; give the address where the program serves net/http/pprof, such as http://localhost:6060 or http://localhost:6060/debug/pprof/allocs"}
	case len(bytes.TrimSpace(body)) == 0:
		return nil, &Error{Kind: ErrNotProfile, Source: u, Msg: "answered with an empty body, not a profile"}
	}
	return parse(u, body)
}

// netError turns a failed request into one sentence.
func netError(ctx context.Context, u, host string, waited time.Duration, err error) error {
	if ctx.Err() == context.Canceled {
		return fmt.Errorf("%s: %w", u, ctx.Err())
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &Error{Kind: ErrTimeout, Source: u, Err: err,
			Msg: fmt.Sprintf("no answer after %s; the program may be stuck or overloaded, or this is not its pprof port", waited.Round(10*time.Millisecond))}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &Error{Kind: ErrUnreachable, Source: u, Err: err,
			Msg: fmt.Sprintf("nothing is listening at %s; is the program running, and does it serve net/http/pprof on that address?", host)}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return &Error{Kind: ErrUnreachable, Source: u, Err: err,
			Msg: fmt.Sprintf("cannot resolve host %q", dns.Name)}
	}
	cause := err
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if c := ue.Unwrap(); c != nil {
			cause = c
		}
	}
	return &Error{Kind: ErrUnreachable, Source: u, Err: err, Msg: fmt.Sprintf("cannot get the profile: %v", cause)}
}

func readFile(name string) (*profile.Profile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file, and not a URL either (a URL looks like http://localhost:6060)", name)
		}
		return nil, err
	}
	if len(data) == 0 {
		return nil, &Error{Kind: ErrEmpty, Source: name, Msg: "the file is empty; " + emptyAdvice}
	}
	return parse(name, data)
}

// parse decodes a gzip'd or plain profile.proto, or a legacy text
// profile.
func parse(src string, data []byte) (*profile.Profile, error) {
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, &Error{Kind: ErrBadProfile, Source: src, Err: err,
			Msg: fmt.Sprintf("not a pprof profile (%v); save one with curl -o allocs.pb.gz http://host:port/debug/pprof/allocs", err)}
	}
	return p, nil
}

func isHTML(h http.Header, body []byte) bool {
	if strings.HasPrefix(strings.ToLower(h.Get("Content-Type")), "text/html") {
		return true
	}
	b := bytes.TrimSpace(body)
	return len(b) > 0 && b[0] == '<'
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	line = strings.TrimSpace(line)
	if len(line) > 120 {
		line = line[:120] + "…"
	}
	return line
}

// Delta returns what was allocated between two cumulative snapshots of
// the same program's allocation profile: after minus before, on the
// alloc_* columns only. It scales a copy of before by -1 and merges it
// with after, as net/http/pprof does for ?seconds=N; neither argument is
// changed. The result covers after.TimeNanos - before.TimeNanos.
func Delta(before, after *profile.Profile) (*profile.Profile, error) {
	b, err := allocOnly(before.Copy())
	if err != nil {
		return nil, err
	}
	a, err := allocOnly(after.Copy())
	if err != nil {
		return nil, err
	}
	b.Scale(-1)
	d, err := profile.Merge([]*profile.Profile{b, a})
	if err != nil {
		return nil, &Error{Kind: ErrBadProfile, Err: err,
			Msg: fmt.Sprintf("the two snapshots cannot be subtracted (%v); are they from the same program?", err)}
	}
	d.TimeNanos = after.TimeNanos
	d.DurationNanos = 0
	if before.TimeNanos > 0 && after.TimeNanos > before.TimeNanos {
		d.DurationNanos = after.TimeNanos - before.TimeNanos
	}
	return d, nil
}

// allocOnly drops every column but alloc_objects and alloc_space from p,
// in place. Differences of in-use columns are growth, not allocation,
// and would be read as allocation by anyone asking for a window.
func allocOnly(p *profile.Profile) (*profile.Profile, error) {
	var keep []int
	for i, st := range p.SampleType {
		if strings.HasPrefix(st.Type, "alloc_") {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, wrongKind(p, "alloc_space")
	}
	if len(keep) == len(p.SampleType) {
		return p, nil
	}
	types := make([]*profile.ValueType, len(keep))
	for j, i := range keep {
		types[j] = p.SampleType[i]
	}
	p.SampleType = types
	if !slicesContainsType(types, p.DefaultSampleType) {
		p.DefaultSampleType = ""
	}
	kept := p.Sample[:0]
	for _, s := range p.Sample {
		v := make([]int64, len(keep))
		zero := true
		for j, i := range keep {
			if i < len(s.Value) {
				v[j] = s.Value[i]
			}
			zero = zero && v[j] == 0
		}
		if zero {
			continue
		}
		s.Value = v
		kept = append(kept, s)
	}
	p.Sample = kept
	return p, nil
}

func slicesContainsType(types []*profile.ValueType, name string) bool {
	for _, t := range types {
		if t.Type == name {
			return true
		}
	}
	return false
}
