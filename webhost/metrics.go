package webhost

import (
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/mobilua/mobilua/host"
)

// metrics serves the host's counts in Prometheus's text exposition
// format (version 0.0.4), for a monitoring system to scrape.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	writeMetrics(w, s.h.Metrics())
}

func writeMetrics(w io.Writer, m host.Metrics) {
	metric := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	metric("mobilua_processes", "gauge", "Processes the host keeps, by state.")
	states := make([]string, 0, len(m.States))
	for st := range m.States {
		states = append(states, string(st))
	}
	sort.Strings(states)
	for _, st := range states {
		fmt.Fprintf(w, "mobilua_processes{state=%q} %d\n", st, m.States[host.State(st)])
	}
	metric("mobilua_run_queue", "gauge", "Processes waiting for a worker.")
	fmt.Fprintf(w, "mobilua_run_queue %d\n", m.RunQueue)
	metric("mobilua_step_queue", "gauge", "Step commands waiting.")
	fmt.Fprintf(w, "mobilua_step_queue %d\n", m.StepQueue)
	metric("mobilua_process_memory_bytes", "gauge", "Bytes the processes in memory hold (used) of their share of the host's memory (limit).")
	fmt.Fprintf(w, "mobilua_process_memory_bytes{kind=\"used\"} %d\nmobilua_process_memory_bytes{kind=\"limit\"} %d\n", m.PoolUsed, m.PoolLimit)
	metric("mobilua_steps_total", "counter", "Steps the host's processes ran.")
	fmt.Fprintf(w, "mobilua_steps_total %d\n", m.Steps)
	metric("mobilua_jumps_total", "counter", "Processes that left (out), arrived (in), or whose jump failed (failed).")
	fmt.Fprintf(w, "mobilua_jumps_total{direction=\"out\"} %d\nmobilua_jumps_total{direction=\"in\"} %d\nmobilua_jumps_total{direction=\"failed\"} %d\n",
		m.JumpsOut, m.JumpsIn, m.JumpsFailed)
	metric("mobilua_refusals_total", "counter", "Requests a limit refused, by the limit.")
	limits := make([]string, 0, len(m.Refusals))
	for l := range m.Refusals {
		limits = append(limits, l)
	}
	sort.Strings(limits)
	for _, l := range limits {
		fmt.Fprintf(w, "mobilua_refusals_total{limit=%q} %d\n", l, m.Refusals[l])
	}
}

// health answers a health check: the host serves.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}
