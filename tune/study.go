package tune

// Process is the study of one process: its model, what it recorded, what
// the model replays at the recorded setting (a check of the model), and
// the predictions.
type Process struct {
	Model       *Model
	Recorded    Outcome
	Replay      Outcome
	Predictions []Outcome
}

// Study is the predictions for a whole trace, per process and summed.
type Study struct {
	Processes []Process
	// Recorded, Replay and Predictions sum the processes (see Outcome.Add);
	// a prediction's Setting is the one asked for, before AsRecorded is
	// resolved for each process.
	Recorded, Replay Outcome
	Predictions      []Outcome
	// Unfit counts processes with no cycle the model can use.
	Unfit int
	// Recommendation is set when a budget was given.
	Recommendation *Recommendation
}

// Run fits every history and predicts each setting; with budget > 0 it
// also recommends a setting for that budget.
func Run(hs []*History, opts Options, settings []Setting, budget int64) *Study {
	st := &Study{Predictions: make([]Outcome, len(settings))}
	for i, s := range settings {
		st.Predictions[i].Setting = s
	}
	var models []*Model
	for _, h := range hs {
		m, err := Fit(h, opts)
		if err != nil {
			st.Unfit++
			continue
		}
		models = append(models, m)
		p := Process{Model: m, Recorded: m.Measured(), Replay: m.Predict(m.Recorded)}
		for i, s := range settings {
			o := m.Predict(s)
			p.Predictions = append(p.Predictions, o)
			st.Predictions[i] = st.Predictions[i].Add(o)
		}
		st.Recorded = st.Recorded.Add(p.Recorded)
		st.Replay = st.Replay.Add(p.Replay)
		st.Processes = append(st.Processes, p)
	}
	st.Recorded.Setting = Setting{GOGC: AsRecorded, MemoryLimit: AsRecorded}
	st.Replay.Setting = st.Recorded.Setting
	if len(models) == 1 {
		st.Recorded.Setting, st.Replay.Setting = models[0].Recorded, models[0].Recorded
	}
	if budget > 0 && len(models) > 0 {
		r := Recommend(models, budget)
		st.Recommendation = &r
	}
	return st
}
