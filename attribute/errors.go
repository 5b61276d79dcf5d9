package attribute

import "errors"

// The kinds of failure a caller may want to tell apart. Every error Fetch,
// Rank, List and Attribute return for a bad source is an *Error whose Kind
// is one of these, so errors.Is(err, ErrUnreachable) works.
var (
	// ErrUnreachable: nothing answers at the address (connection refused,
	// unknown host).
	ErrUnreachable = errors.New("unreachable")
	// ErrTimeout: the endpoint accepted the request but did not answer in
	// time.
	ErrTimeout = errors.New("timeout")
	// ErrNotEnabled: the server answered 404, so net/http/pprof is not
	// registered there (or the profile name is unknown).
	ErrNotEnabled = errors.New("pprof not enabled")
	// ErrNotProfile: the server answered with something that is not a
	// profile, typically an HTML page.
	ErrNotProfile = errors.New("not a profile")
	// ErrStatus: the server answered with another HTTP error.
	ErrStatus = errors.New("http error")
	// ErrBadProfile: the bytes are not a gzip'd or plain pprof protobuf.
	ErrBadProfile = errors.New("bad profile")
	// ErrEmpty: the profile parsed but holds no samples.
	ErrEmpty = errors.New("empty profile")
	// ErrWrongKind: the profile has no samples of the requested type, such
	// as a CPU profile where allocation samples are needed.
	ErrWrongKind = errors.New("wrong kind of profile")
)

// Error is a failure to get or read a profile, said in one sentence that
// tells the user what to do about it.
type Error struct {
	Kind   error  // one of the Err* values above
	Source string // the URL or file concerned
	Msg    string // what happened and what to do, without the source
	Err    error  // the underlying cause, if any
}

func (e *Error) Error() string {
	if e.Source == "" {
		return e.Msg
	}
	return e.Source + ": " + e.Msg
}

// Is reports whether target is the kind of e.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }
