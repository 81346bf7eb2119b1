package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/xmpphost"
)

// clientCmd is `mobilua client`: a user's side of a host, from the
// terminal. `run script.lua [args]` uploads a script, starts it, prints
// what the process sends (from whichever host it has jumped to), answers
// its mb.input with lines of standard input, and exits with its status;
// `attach PID` follows a process already running; `ps` and `step CODE`
// print the host's reply.
func clientCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := cli.NewFlags("client", stdout, stderr, `A user's side of a host, from the terminal. run uploads script.lua, starts
it with args, prints what the process sends (from whichever host it has
jumped to), answers its mb.input with lines of standard input and exits
with its status; attach follows a process already running; ps and step
print the host's reply.`, "client --jid JID --to HOST [flags] run script.lua [args]", "client --jid JID --to HOST [flags] attach PID | ps | step CODE")
	fs.Tail = 2 // run script.lua: what follows is the script's
	acct := accountFlags(fs.FlagSet, "your XMPP account (required)")
	to := fs.String("to", "", "the host (required)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	pos, status, ok := fs.Parse(args)
	if !ok {
		return status
	}
	sub, rest := "", pos
	if len(pos) > 0 {
		sub, rest = pos[0], pos[1:]
	}
	usage := *acct.jid == "" || *to == ""
	switch sub {
	case "run", "attach":
		usage = usage || len(rest) == 0 || sub == "attach" && len(rest) != 1
	case "step":
		usage = usage || len(rest) == 0
	case "ps":
		usage = usage || len(rest) != 0
	default:
		usage = true
	}
	if usage {
		return fs.Fail("--jid, --to and one of run script.lua, attach PID, ps, step CODE expected")
	}
	var src []byte
	if sub == "run" {
		var err error
		if src, err = os.ReadFile(rest[0]); err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 1
		}
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
	c := &client{ctx: ctx, tr: tr, host: *to, out: stdout, errs: stderr, stdin: stdin, msgs: make(chan chatMsg, 256)}
	go tr.Listen(func(from, body string) { c.msgs <- chatMsg{from, body} })
	switch sub {
	case "ps", "step":
		return c.ask(sub + " " + strings.Join(rest, " "))
	case "attach":
		if reply, ok := c.say("attach " + rest[0]); !ok || !strings.HasSuffix(reply, "'s output comes here now") {
			return c.fail(reply, ok)
		}
		c.pid = rest[0]
		return c.follow()
	}
	name, _, _ := strings.Cut(filepath.Base(rest[0])+" ", " ")
	if !strings.HasSuffix(name, ".lua") {
		name = ""
	}
	// fenced: a script with a syntax error gets the error, not a wait
	// for the rest of the code
	reply, ok := c.say("new " + name + " ```\n" + string(src) + "\n```")
	if !ok || !pidRe.MatchString(reply) {
		return c.fail(reply, ok)
	}
	c.pid = reply
	if reply, ok := c.say(strings.Join(append([]string{"run", c.pid}, rest[1:]...), " ")); !ok || reply != c.pid+" is running" {
		return c.fail(reply, ok)
	}
	return c.follow()
}

// chatMsg is a message the client got.
type chatMsg struct{ from, body string }

// client is a user's session with a host, following one process.
type client struct {
	ctx       context.Context
	tr        *xmpphost.Transport
	host, pid string // where the process is now, and its PID there
	out, errs io.Writer
	stdin     io.Reader
	lines     chan string // standard input, once something asked for it
	msgs      chan chatMsg
}

// say sends a command and returns the host's first reply.
func (c *client) say(text string) (string, bool) {
	c.tr.Send(c.host, text)
	for {
		select {
		case m := <-c.msgs:
			if m.from == c.host {
				return m.body, true
			}
		case <-c.ctx.Done():
			return "", false
		}
	}
}

// ask prints the reply to a command.
func (c *client) ask(text string) int {
	reply, ok := c.say(text)
	if !ok {
		return c.fail(reply, ok)
	}
	fmt.Fprintln(c.out, reply)
	return 0
}

func (c *client) fail(reply string, answered bool) int {
	if !answered {
		fmt.Fprintf(c.errs, "mobilua: %s did not answer in time\n", c.host)
	} else {
		fmt.Fprintf(c.errs, "mobilua: %s\n", reply)
	}
	return 1
}

var (
	pidRe     = regexp.MustCompile(`^p\d+$`)
	arrivedRe = regexp.MustCompile(`^(p\d+) arrived on (\S+) \(it was (p\d+)\)$`)
	endRe     = regexp.MustCompile(`^(p\d+) (finished|failed: (?:exited with status (-?\d+)|.*))$`)
	askRe     = regexp.MustCompile(`^(p\d+) (?:asks: (.*) |waits for input )\((?:answer|it is your shell)[^)]*\)$`)
)

// follow prints what the process sends until it ends, and answers its
// questions with lines of standard input; it returns the process's exit
// status.
func (c *client) follow() int {
	for {
		var m chatMsg
		select {
		case m = <-c.msgs:
		case <-c.ctx.Done():
			fmt.Fprintln(c.errs, "mobilua: timed out")
			return 1
		}
		if a := arrivedRe.FindStringSubmatch(m.body); a != nil && a[3] == c.pid {
			c.host, c.pid = m.from, a[1]
			continue
		}
		if e := endRe.FindStringSubmatch(m.body); e != nil && m.from == c.host && e[1] == c.pid {
			switch {
			case e[3] != "":
				code, _ := strconv.Atoi(e[3])
				return code
			case e[2] != "finished":
				c.print(m)
				return 1
			}
			return 0
		}
		if q := askRe.FindStringSubmatch(m.body); q != nil && m.from == c.host && q[1] == c.pid {
			if !c.answer(q[2]) {
				fmt.Fprintf(c.errs, "mobilua: %s waits for input on %s; mobilua client attach %s follows it again\n", c.pid, c.host, c.pid)
				return 0
			}
			continue
		}
		c.print(m)
	}
}

// print prints a message, each line after its sender.
func (c *client) print(m chatMsg) {
	for _, line := range strings.Split(m.body, "\n") {
		fmt.Fprintf(c.out, "[%s] %s\n", m.from, line)
	}
}

// answer prints the question and sends the next line of standard input
// as the answer; false at its end.
func (c *client) answer(prompt string) bool {
	if c.lines == nil {
		c.lines = make(chan string)
		go func() {
			sc := bufio.NewScanner(c.stdin)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				c.lines <- sc.Text()
			}
			close(c.lines)
		}()
	}
	if prompt != "" {
		fmt.Fprint(c.out, prompt+" ")
	}
	select {
	case line, ok := <-c.lines:
		if ok {
			c.tr.Send(c.host, "input "+c.pid+" "+line)
		}
		return ok
	case <-c.ctx.Done():
		return false
	}
}
