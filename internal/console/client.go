package console

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mobilua/mobilua/xmpphost"
)

// clientCmd is `mobilua client ... run script.lua`: it uploads a script to
// a host as its user, starts it, prints what the process sends (from
// whichever host it has jumped to), and exits with its status.
func clientCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	acct := accountFlags(fs, "your XMPP account (required)")
	to := fs.String("to", "", "the host to run on (required)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *acct.jid == "" || *to == "" || fs.NArg() != 2 || fs.Arg(0) != "run" {
		fmt.Fprintln(stderr, "usage: mobilua client --jid JID --to HOST [--password-file F] [--addr A] run script.lua")
		return 2
	}
	src, err := os.ReadFile(fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	cfg, err := acct.config()
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	tr, err := xmpphost.Dial(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	defer tr.Close()
	tr.SetStatus("")
	c := &follower{host: *to, out: stdout, done: make(chan int, 1), pidc: make(chan string, 1)}
	go tr.Listen(c.message)
	tr.Send(*to, "new "+string(src))
	select {
	case pid := <-c.pidc:
		c.mu.Lock()
		c.pid = pid
		c.mu.Unlock()
		tr.Send(*to, "run "+pid)
	case <-ctx.Done():
		fmt.Fprintf(stderr, "mobilua: %s did not answer\n", *to)
		return 1
	}
	select {
	case code := <-c.done:
		return code
	case <-ctx.Done():
		fmt.Fprintln(stderr, "mobilua: timed out")
		return 1
	}
}

// follower follows one process from host to host.
type follower struct {
	mu        sync.Mutex
	host, pid string
	out       io.Writer
	pidc      chan string
	done      chan int
}

var (
	pidRe     = regexp.MustCompile(`^p\d+$`)
	arrivedRe = regexp.MustCompile(`^(p\d+) arrived on (\S+) \(it was (p\d+)\)$`)
	endRe     = regexp.MustCompile(`^(p\d+) (finished|failed: .*|exited with status (-?\d+))$`)
)

func (c *follower) message(from, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pid == "" {
		if from == c.host && pidRe.MatchString(body) {
			send(c.pidc, body)
		} else if from == c.host {
			fmt.Fprintf(c.out, "[%s] %s\n", from, body)
			send(c.done, 1)
		}
		return
	}
	if m := arrivedRe.FindStringSubmatch(body); m != nil && m[3] == c.pid {
		c.host, c.pid = from, m[1]
		return
	}
	if m := endRe.FindStringSubmatch(body); m != nil && from == c.host && m[1] == c.pid {
		code := 0
		switch {
		case m[3] != "":
			code, _ = strconv.Atoi(m[3])
		case strings.HasPrefix(m[2], "failed"):
			fmt.Fprintf(c.out, "[%s] %s\n", from, body)
			code = 1
		}
		send(c.done, code)
		return
	}
	if body == c.pid+" is running" {
		return
	}
	fmt.Fprintf(c.out, "[%s] %s\n", from, body)
}

// send sends without blocking (the first value is the one that counts).
func send[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}
