package host

import (
	"fmt"
	"sort"
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

// Network connects hosts that share a Memory transport, for mb.jump.
func (m *Memory) Attach(h *Host) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hosts == nil {
		m.hosts = map[string]*Host{}
	}
	m.hosts[h.cfg.Name] = h
}

// Detach disconnects the host named name (as if it went away).
func (m *Memory) Detach(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.hosts, name)
}

// Jump delivers a process to an attached host (once stored says the
// sender has stored it).
func (m *Memory) Jump(to, id string, rec Record, cont []byte, stored <-chan error) (pid string, err error) {
	if stored != nil {
		if err := <-stored; err != nil {
			return "", err
		}
	}
	h, err := m.peer(to)
	if err != nil {
		return "", err
	}
	err = h.Receive(Migration{ID: id}, rec, cont, nil, func(p string) { pid = p })
	return pid, err
}

// peer returns the attached host named name.
func (m *Memory) peer(name string) (*Host, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h := m.hosts[name]; h != nil {
		return h, nil
	}
	return nil, fmt.Errorf("no host %s", name)
}

// Cancel settles a jump to an attached host.
func (m *Memory) Cancel(to, id string) (bool, error) {
	h, err := m.peer(to)
	if err != nil {
		return false, err
	}
	return h.CancelJump(Migration{ID: id})
}

// Peers names the attached hosts.
func (m *Memory) Peers() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ns []string
	for n := range m.hosts {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Result delivers a part's result to its parent on an attached host.
func (m *Memory) Result(host, pid, owner, part string, res PartResult) error {
	h, err := m.peer(host)
	if err != nil {
		return err
	}
	return h.TakeResult(owner, pid, part, res)
}

// Backup stores a copy of a process of host from on an attached host.
func (m *Memory) Backup(from, to string, rec Record, cont []byte) error {
	h, err := m.peer(to)
	if err != nil {
		return err
	}
	return h.KeepBackup(from, rec, cont)
}

// BackupOp asks an attached host about a backup (Backuper).
func (m *Memory) BackupOp(from, to, op, pid, owner, arg string) (string, error) {
	h, err := m.peer(to)
	if err != nil {
		return "", ErrNoAnswer
	}
	return h.BackupOp(from, op, pid, owner, arg)
}

// Message delivers a message to a process on an attached host.
func (m *Memory) Message(host, pid string, from Sender, v Plain) error {
	h, err := m.peer(host)
	if err != nil {
		return err
	}
	return h.Deliver(from, pid, v)
}
