package host

import (
	"strings"
	"sync"
	"time"
)

// Memory is a Transport that keeps messages in memory, for tests and for
// driving a host from Go.
type Memory struct {
	mu    sync.Mutex
	msgs  map[string][]string
	hosts map[string]*Host // attached hosts (mb.jump between them)
}

// Send records a message to a user.
func (m *Memory) Send(to, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.msgs == nil {
		m.msgs = map[string][]string{}
	}
	m.msgs[to] = append(m.msgs[to], text)
	return nil
}

// Messages returns what was sent to a user so far.
func (m *Memory) Messages(to string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs[to]...)
}

// WaitFor waits until a message to the user contains want and returns it;
// it gives up after timeout ("" then).
func (m *Memory) WaitFor(to, want string, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for {
		for _, msg := range m.Messages(to) {
			if strings.Contains(msg, want) {
				return msg
			}
		}
		if time.Now().After(deadline) {
			return ""
		}
		time.Sleep(5 * time.Millisecond)
	}
}
