package attribute

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
)

// Source says where a profile comes from: a net/http/pprof endpoint or a
// profile file. The zero Source is not valid; make one with ParseSource.
type Source struct {
	// File is the path of a profile file; empty for an endpoint.
	File string
	// URL is the endpoint. When Profile is empty it is a base ending in
	// "/debug/pprof/" and Fetch appends the profile name; otherwise it is
	// the full profile URL as given, without its "seconds" parameter.
	URL string
	// Profile is the profile the URL names ("allocs", "heap", ...), or
	// empty for a base URL.
	Profile string
	// Seconds is the window the URL asked for with ?seconds=N, 0 if none.
	Seconds int
}

// String returns the file or URL.
func (s Source) String() string {
	if s.File != "" {
		return s.File
	}
	return s.URL
}

// IsFile reports whether s is a profile file rather than an endpoint.
func (s Source) IsFile() bool { return s.File != "" }

// ParseSource reads what a user typed as a profile source:
//
//	http://host:6060                      base: Fetch picks the profile
//	http://host:6060/debug/pprof/         base
//	host:6060, :6060                      base, http assumed
//	http://host:6060/debug/pprof/allocs   that profile
//	http://host:6060/debug/pprof/heap?seconds=10
//	                                      that profile, as a 10 s delta
//	allocs.pb.gz                          a file
//
// A path that exists is a file even when it looks like host:port.
func ParseSource(s string) (Source, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Source{}, fmt.Errorf("empty profile source: give a pprof URL such as http://localhost:6060 or a profile file")
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return parseURL(s)
	case strings.Contains(s, "://"):
		return Source{}, fmt.Errorf("%s: only http and https profile URLs are supported", s)
	}
	if _, err := os.Stat(s); err == nil {
		return Source{File: s}, nil
	}
	if looksLikeHostPort(s) {
		if strings.HasPrefix(s, ":") {
			s = "localhost" + s
		}
		return parseURL("http://" + s)
	}
	return Source{File: s}, nil
}

// looksLikeHostPort reports whether s starts with host:port, as in
// "localhost:6060" or "10.0.0.1:6060/debug/pprof/heap".
func looksLikeHostPort(s string) bool {
	hostport, _, _ := strings.Cut(s, "/")
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port == "" || strings.ContainsAny(host, `\`) {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n < 65536
}

func parseURL(s string) (Source, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Source{}, fmt.Errorf("%s: not a valid URL: %v", s, errCause(err))
	}
	if u.Host == "" {
		return Source{}, fmt.Errorf("%s: the URL has no host; write it as http://host:port", s)
	}
	u.Fragment = ""
	src := Source{}
	q := u.Query()
	if v := q.Get("seconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return Source{}, fmt.Errorf("%s: seconds=%s must be a positive whole number", s, v)
		}
		src.Seconds = n
		q.Del("seconds")
		u.RawQuery = q.Encode()
	}
	p := strings.TrimSuffix(u.Path, "/")
	switch {
	case p == "":
		u.Path = "/debug/pprof/"
	case p == "/debug/pprof" || strings.HasSuffix(p, "/debug/pprof"):
		u.Path = p + "/"
	default:
		// Anything else is the profile itself, including handlers
		// mounted under a custom prefix.
		src.Profile = path.Base(p)
	}
	u.RawPath = ""
	src.URL = u.String()
	return src, nil
}

// profileURL returns the URL to request for the named profile with the
// given window (0 for none).
func (s Source) profileURL(name string, seconds int) (string, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return "", err
	}
	if s.Profile == "" {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + name
	}
	if seconds > 0 {
		q := u.Query()
		q.Set("seconds", strconv.Itoa(seconds))
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// errCause strips the "parse ...: " wrapping url.Parse adds, which only
// repeats the input.
func errCause(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
