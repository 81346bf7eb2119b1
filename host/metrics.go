package host

import (
	"log/slog"
	"maps"
)

// Metrics are a host's counts for monitoring (webhost serves them in
// Prometheus's text format): what it holds now, and what it did since it
// started.
type Metrics struct {
	States    map[State]int // processes by state
	RunQueue  int           // processes waiting for a worker
	StepQueue int           // step commands waiting
	PoolUsed  int64         // bytes the processes in memory hold ...
	PoolLimit int64         // ... of their share of the host's memory
	Stats
}

// Stats are the host's counters since it started.
type Stats struct {
	Steps       int64            // steps its processes ran
	JumpsOut    int64            // processes that left by mb.jump or a move
	JumpsIn     int64            // processes that arrived
	JumpsFailed int64            // jumps refused or given up
	Refusals    map[string]int64 // refusals, by the limit that refused
}

// Metrics counts what the host holds and has done.
func (h *Host) Metrics() Metrics {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := Metrics{States: map[State]int{}, RunQueue: len(h.queue), StepQueue: len(h.steps),
		PoolUsed: h.pool.Used(), PoolLimit: h.pool.Limit(), Stats: h.stats}
	m.Refusals = maps.Clone(h.stats.Refusals)
	for _, pr := range h.procs {
		m.States[pr.rec.State]++
	}
	return m
}

// refuse logs and counts a refusal by the limit why. h.mu is held.
func (h *Host) refuse(why string, attrs ...any) {
	h.log.Warn("refused", append([]any{slog.String("why", why)}, attrs...)...)
	if h.stats.Refusals == nil {
		h.stats.Refusals = map[string]int64{}
	}
	h.stats.Refusals[why]++
}
