package analyze

import (
	"encoding/json"
	"math"
	"time"
)

// findingJSON is Finding's JSON shape: times as seconds, absent when
// unknown.
type findingJSON struct {
	Rule        string   `json:"rule"`
	Severity    Severity `json:"severity"`
	Process     int      `json:"process"`
	File        string   `json:"file,omitempty"`
	FirstLine   int      `json:"first_line"`
	LastLine    int      `json:"last_line"`
	FirstCycle  int      `json:"first_cycle"`
	LastCycle   int      `json:"last_cycle"`
	StartS      *float64 `json:"start_s,omitempty"`
	EndS        *float64 `json:"end_s,omitempty"`
	Message     string   `json:"message"`
	Advice      string   `json:"advice"`
	Evidence    []Figure `json:"evidence,omitempty"`
	Attribution string   `json:"attribution,omitempty"`
}

// MarshalJSON writes Start and End as start_s and end_s.
func (f Finding) MarshalJSON() ([]byte, error) {
	j := findingJSON{
		Rule: f.Rule, Severity: f.Severity, Process: f.Process, File: f.File,
		FirstLine: f.FirstLine, LastLine: f.LastLine, FirstCycle: f.FirstCycle, LastCycle: f.LastCycle,
		Message: f.Message, Advice: f.Advice, Evidence: f.Evidence, Attribution: f.Attribution,
	}
	if f.Start >= 0 {
		s := f.Start.Seconds()
		j.StartS = &s
	}
	if f.End >= 0 {
		s := f.End.Seconds()
		j.EndS = &s
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var j findingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Finding{
		Rule: j.Rule, Severity: j.Severity, Process: j.Process, File: j.File,
		FirstLine: j.FirstLine, LastLine: j.LastLine, FirstCycle: j.FirstCycle, LastCycle: j.LastCycle,
		Start: -1, End: -1,
		Message: j.Message, Advice: j.Advice, Evidence: j.Evidence, Attribution: j.Attribution,
	}
	if j.StartS != nil {
		f.Start = secondsDur(*j.StartS)
	}
	if j.EndS != nil {
		f.End = secondsDur(*j.EndS)
	}
	return nil
}

// MarshalJSON keeps NaN and infinities, which encoding/json rejects, out
// of the output.
func (f Figure) MarshalJSON() ([]byte, error) {
	type plain Figure
	f.Value = finite(f.Value)
	return json.Marshal(plain(f))
}

func secondsDur(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

// finite maps NaN and ±Inf to 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
