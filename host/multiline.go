package host

import (
	"fmt"
	"strings"
	"time"

	"github.com/mobilua/mobilua/transpile"
)

// Code for step and new may span several messages, as in lua5.1's
// interactive mode: code that is an incomplete chunk (its error is at
// '<eof>') waits for the user's next messages, joined by newlines, until
// it is complete or wrong; a Markdown code fence (``` or ```lua) waits
// for its closing fence. `cancel` drops what waits. Each user has one
// such command at most, MaxLoad bytes at most, for partialLife.

// partialLife is how long code waits for its rest.
const partialLife = 10 * time.Minute

// partial is a command whose code waits for its rest.
type partial struct {
	cmd  string // step or new
	text string // its argument so far (the code, with its fence)
	at   time.Time
}

// waits says whether command cmd, whose argument is arg, waits for the
// user's next messages, and keeps arg if so, with the reply: its code's
// fence is not closed yet, or, unfenced, its error err (from the
// command's own compile) is at '<eof>'. A closed fence ends the code,
// complete or not. Code that does not wait ends what waited.
func (h *Host) waits(from, cmd, arg string, f fence, err error) (string, bool) {
	wait := f == fenceOpen || f == noFence && atEOF(err)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !wait {
		delete(h.partials, from)
		return "", false
	}
	if len(arg) > h.cfg.MaxLoad {
		delete(h.partials, from)
		return fmt.Sprintf("the code is too long: at most %d KiB; it was dropped", h.cfg.MaxLoad>>10), true
	}
	_, again := h.partials[from]
	if len(h.partials) >= maxResources && !again {
		clear(h.partials) // bounded: the oldest cannot be told apart cheaply
	}
	h.partials[from] = &partial{cmd: cmd, text: arg, at: time.Now()}
	if again {
		return "...", true
	}
	return "... (the code goes on: send the rest, or cancel)", true
}

// continued passes a message to the command whose code waits for it, if
// there is one: cancel drops it.
func (h *Host) continued(from, text string) (string, bool) {
	h.mu.Lock()
	p := h.partials[from]
	stale := p != nil && time.Since(p.at) > partialLife
	if stale || p != nil && strings.TrimSpace(text) == "cancel" {
		delete(h.partials, from)
	}
	h.mu.Unlock()
	switch {
	case p == nil || stale:
		return "", false
	case strings.TrimSpace(text) == "cancel":
		return p.cmd + " cancelled: the code was dropped", true
	}
	joined := p.text + "\n" + text
	if code, f := unfence(joined); f == noFence && isCommand(text) {
		if err := syntaxError(code, p.cmd); err != nil && !atEOF(err) {
			// a command typed while code waited for its end: the code
			// was wrong anyway; the command runs
			h.mu.Lock()
			delete(h.partials, from)
			h.mu.Unlock()
			return fmt.Sprintf("(the %s code that waited for its end was dropped: %v)\n%s", p.cmd, err, h.Command(from, text)), true
		}
	}
	return lookupCommand(p.cmd).run(h, from, joined), true
}

// isCommand says whether text starts with a command's name.
func isCommand(text string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	return lookupCommand(name) != nil
}

// fence is what a command's code has of a Markdown code fence.
type fence int

const (
	noFence   fence = iota
	fenceOpen       // its closing fence has not come
	fenceClosed
)

// unfence takes a code fence off arg.
func unfence(arg string) (string, fence) {
	if !strings.HasPrefix(arg, "```") {
		return arg, noFence
	}
	_, body, ok := strings.Cut(arg, "\n") // ```lua
	if !ok {
		return "", fenceOpen
	}
	for i := 0; i <= len(body); {
		line, _, _ := strings.Cut(body[i:], "\n")
		if strings.TrimSpace(line) == "```" {
			return body[:i], fenceClosed
		}
		if strings.HasSuffix(strings.TrimSpace(line), "```") { // code```
			end := i + strings.LastIndex(line, "```")
			return body[:end], fenceClosed
		}
		i += len(line) + 1
	}
	return "", fenceOpen
}

// syntaxError is code's syntax error, if it has one, in a chunk so named
// (=expr is step's return expr).
func syntaxError(code, chunk string) error {
	_, err := transpile.Compile([]byte(replCode(code)), "="+chunk, transpile.Options{})
	return err
}

// atEOF says whether err is the error of a chunk that could still go on
// (the test of lua5.1's interactive mode: the error is at '<eof>').
func atEOF(err error) bool { return err != nil && strings.HasSuffix(err.Error(), "'<eof>'") }

// replCode is code as lua5.1's interactive mode reads it: =expr is
// return expr.
func replCode(code string) string {
	if strings.HasPrefix(code, "=") {
		return "return " + code[1:]
	}
	return code
}
