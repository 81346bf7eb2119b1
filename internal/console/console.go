// Package console implements `mobilua console`, a computation host on a
// local store driven from the terminal as one user, with the commands a
// chat user has (help, step, new, run, ps, ...), and `mobilua host`, the
// same host on an XMPP account (package xmpphost).
//
// Only cmd/mobilua-full imports this package (cmd/mobilua runs that
// program for its commands: cli.Delegate).
package console

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/cli"
)

// Register adds the console and host commands.
func Register() {
	cli.Register(cli.FullCommand("console", run))
	cli.Register(cli.FullCommand("host", hostCmd))
	cli.Register(cli.FullCommand("client", clientCmd))
	cli.Register(cli.FullCommand("servers", serversCmd))
	cli.Register(cli.FullCommand("store", storeCmd))
}

type printer struct {
	mu  sync.Mutex
	out io.Writer
}

func (p *printer) Send(to, text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := fmt.Fprintln(p.out, text)
	return err
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := cli.NewFlags("console", stdout, stderr, `A computation host in this terminal, its store in a file: what you type is
what a user says to a host in chat (help lists the commands: new, run, ps,
step, ...); a line ending in \ goes on on the next. quit, exit or the end
of input ends it.`, "console [--store FILE] [--name NAME] [--user JID]")
	store := fs.String("store", "mobilua-host.db", "the host's store (created if missing)")
	name := fs.String("name", "console", "the host's name")
	user := fs.String("user", "you@localhost", "who the console speaks as")
	if _, status, ok := fs.ParseN(args, 0, "no arguments expected"); !ok {
		return status
	}
	cfg := host.DefaultConfig()
	cfg.Name = *name
	pr := &printer{out: stdout}
	h, stop, err := startHost(*store, cfg, pr)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	defer stop()
	pr.Send("", fmt.Sprintf("mobilua host %s on %s: type help; code may go on over several lines; quit (or EOF) ends", *name, *store))
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var msg strings.Builder
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(line, `\`) {
			msg.WriteString(strings.TrimSuffix(line, `\`) + "\n")
			continue
		}
		msg.WriteString(line)
		if t := strings.TrimSpace(msg.String()); t == "quit" || t == "exit" {
			break
		}
		h.Handle(*user, msg.String())
		msg.Reset()
	}
	return 0
}

// startHost opens the store at path and starts a host on it; stop closes
// both.
func startHost(path string, cfg host.Config, tr host.Transport) (h *host.Host, stop func(), err error) {
	if cfg.HostMemory <= 0 {
		cfg.HostMemory = host.DefaultHostMemory()
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// the last line: Go collects harder as the heap nears the budget
		debug.SetMemoryLimit(host.GoMemoryLimit(cfg.HostMemory))
	}
	st, err := host.OpenStore(path)
	if err != nil {
		return nil, nil, err
	}
	if h, err = host.New(cfg, st, tr); err != nil {
		st.Close()
		return nil, nil, err
	}
	return h, func() { h.Close(); st.Close() }, nil
}
