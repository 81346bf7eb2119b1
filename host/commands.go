package host

import (
	"embed"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mobilua/mobilua/runtime"
)

// A command is what a user types: its name, a one-line summary, its usage
// and what it does.
type command struct {
	name, args, summary string
	run                 func(h *Host, from, arg string) string
}

var commands []command

func init() {
	commands = []command{
		{"help", "[command]", "list the commands, or explain one", (*Host).cmdHelp},
		{"step", "<lua code>", "run the code at once in your session (its globals stay) and reply with its output; step =expr shows a value", (*Host).cmdStep},
		{"reset", "", "start a new step session (its globals are gone)", (*Host).cmdReset},
		{"new", "[name.lua] <lua code>", "store a process; the reply is its PID", (*Host).cmdNew},
		{"run", "<pid> [args...]", "start a stored process (the args are its ...)", (*Host).cmdRun},
		{"attach", "<pid>", "send a process's output to this client from now on", (*Host).cmdAttach},
		{"ps", "", "your processes: PID, state, age", (*Host).cmdPs},
		{"source", "<pid>", "a process's source", (*Host).cmdSource},
		{"output", "<pid>", "what a process printed (the end of it)", (*Host).cmdOutput},
		{"input", "<pid> <text>", "answer a process waiting in mb.input", (*Host).cmdInput},
		{"kill", "<pid>", "stop a process", (*Host).cmdKill},
		{"rm", "<pid>", "remove a process that has ended (finished, failed, killed, migrated)", (*Host).cmdRm},
		{"clean", "", "remove all your processes that have ended", (*Host).cmdClean},
		{"send", "<pid> <text>", "send a message to a process (mb.receive gets it)", (*Host).cmdSend},
		{"comment", "<pid> <text>", "set a process's comment (ps shows it)", (*Host).cmdComment},
		{"alias", "<name> <pid>", "give a process a name usable wherever a PID is", (*Host).cmdAlias},
		{"env", "", "the names a script sees (the sandbox)", (*Host).cmdEnv},
		{"examples", "", "the bundled examples", (*Host).cmdExamples},
		{"example", "<n>", "start bundled example n", (*Host).cmdExample},
		{"load", "<url>", "store a process whose source is at an http(s) URL", (*Host).cmdLoad},
		{"shell", "<pid> | off", "send all your messages to a process as its input, or stop", (*Host).cmdShell},
		{"status", "", "the host: name, uptime, processes, limits, peers", (*Host).cmdStatus},
		{"servers", "", "the computation servers this host knows, with their load and round trip", (*Host).cmdServers},
		{"backups", "", "your processes of other hosts this host keeps copies of", (*Host).cmdBackups},
		{"restore", "<pid> [force]", "bring a backup back to life here", (*Host).cmdRestore},
		{"fork", "<pid>", "copy a process that is not running at the moment (new or waiting)", (*Host).cmdFork},
		{"web", "", "a link that signs you in to this host's web page (where it has one)", (*Host).cmdWeb},
	}
}

// Handle answers a message from a user (from is their address with the
// resource they wrote from: the reply goes there). Chat from this host's
// own address and from its peers is never taken as commands (two hosts
// would answer each other forever).
func (h *Host) Handle(from, text string) {
	if h.isUser(from) {
		h.answer(from, func(user string) string { return h.Command(user, text) })
	}
}

// HandleInput answers a message addressed to process pid (host/pid, or
// a component's pid@domain): input for it, never a command, and never
// for the sender's shell.
func (h *Host) HandleInput(from, pid, text string) {
	if h.isUser(from) {
		h.answer(from, func(user string) string { return said(h.Input(user, pid, text)) })
	}
}

// answer runs f for the user at address from and sends its reply there,
// before anything f set off (outbox.go).
func (h *Host) answer(from string, f func(user string) string) {
	user := bare(from)
	h.mu.Lock()
	if from != user {
		if len(h.resources) >= maxResources {
			clear(h.resources) // a fallback only: bounded, not kept
		}
		h.resources[user] = from
	}
	n := h.hold(from)
	h.mu.Unlock()
	reply := f(user)
	h.mu.Lock()
	h.fill(n, reply)
	h.mu.Unlock()
}

// maxResources is the most users whose last address the host keeps.
const maxResources = 10_000

// isUser says whether from is a user's address: not this host or a
// peer, and not a server or service (an address without a local part).
func (h *Host) isUser(from string) bool {
	return strings.Contains(bare(from), "@") && !h.isHost(from)
}

// isHost says whether from is this host (its account, or a process's
// address of its domain) or a peer.
func (h *Host) isHost(from string) bool {
	bare, _, _ := strings.Cut(from, "/")
	return bare == h.cfg.Name || strings.HasSuffix(bare, "@"+h.cfg.Name) || h.isPeer(bare)
}

// Command runs a message from a user and returns the reply ("" for none:
// a message to the user's shell process).
func (h *Host) Command(from, text string) string {
	if reply, ok := h.continued(from, text); ok {
		return reply
	}
	if reply, ok := h.toShell(from, text); ok {
		return reply
	}
	text = strings.TrimSpace(text)
	name, arg, _ := strings.Cut(text, " ")
	if i := strings.IndexAny(name, "\n\t"); i >= 0 { // "step\ncode"
		name, arg = name[:i], text[i+1:]
	}
	arg = strings.TrimSpace(arg)
	if c := lookupCommand(name); c != nil {
		h.log.Info("command", "user", from, "command", c.name)
		return c.run(h, from, arg)
	}
	return fmt.Sprintf("I don't know %q. Type help for the commands.", name)
}

// lookupCommand is the command of that name (in any case), or nil.
func lookupCommand(name string) *command {
	for i := range commands {
		if commands[i].name == strings.ToLower(name) {
			return &commands[i]
		}
	}
	return nil
}

func (h *Host) cmdHelp(from, arg string) string {
	var b strings.Builder
	for _, c := range commands {
		if arg != "" && c.name != strings.ToLower(arg) {
			continue
		}
		fmt.Fprintf(&b, "%s %s — %s\n", c.name, c.args, c.summary)
		if arg != "" && helpText[c.name] != "" {
			b.WriteString("\n" + helpText[c.name] + "\n")
		}
	}
	if b.Len() == 0 {
		return fmt.Sprintf("There is no command %q. Type help for the list.", arg)
	}
	if arg == "" {
		b.WriteString("help <command> tells more; code may span several messages (or a ``` fence); cancel drops it\n")
	}
	return strings.TrimSuffix(strings.ReplaceAll(b.String(), "  —", " —"), "\n")
}

// helpText is what help <command> tells besides the summary.
var helpText = map[string]string{
	"step":    `The code runs in your session, at once, and the reply is its output (cut at 4 KB, with a note). Globals stay from one step to the next, and across restarts of the host; reset starts afresh. As in lua5.1's interactive mode, =expr and return show values, and code that is not complete (for i = 1, 3 do) waits for the next messages. mb calls that need a stored process (mb.input, mb.receive, mb.jump...) return nil and why. Example: step =2^10`,
	"new":     "The code is stored as a new process, not run: the reply is its PID (run <pid> starts it). Code may span messages, or come in a ``` fence. Example: new for i = 1, 3 do print(i) mb.sleep(1) end",
	"run":     "Starts a stored process. Its output comes to the client you typed run from, gathered a second at a time, and it is kept (output <pid>). A process runs once: when it has ended, new makes another.",
	"ps":      "Lists your processes with their state and age, their alias and comment; one that jumped away says where to and its PID there. rm and clean remove ended ones.",
	"input":   "Answers a process that waits in mb.input. A message to the host's address with the PID as resource (lua1@a.example/p4) is input too, and so are your messages to your shell process.",
	"send":    "Sends text to a process; mb.receive gets it with your address as its sender. A process takes messages from other users' processes only if it called mb.accept().",
	"kill":    "Stops a process at once; it stays listed (ended) until rm or clean removes it.",
	"rm":      "Removes an ended process (finished, failed, killed, or migrated away) from the host: it leaves ps and the store.",
	"load":    "Fetches a script from a public http(s) address (at most 1 MB, 10 s) and stores it as a new process, as new would; private and loopback addresses are refused unless the host's operator allows them. Example: load https://example.org/hello.lua",
	"shell":   "Makes a process your shell: from now on every message you send is its input (mb.input gets it), until you type shell off.",
	"alias":   "Names one of your processes: the name works wherever a PID does (run, send, mb.send...). Example: alias counter p3",
	"fork":    "Copies a process that is new or waits (for input, a message or a timer): the copy waits for the same thing. A running script forks itself with mb.fork().",
	"example": "Stores and starts bundled example n (examples lists them; source <pid> shows the code).",
	"env":     "Lists the names a script sees: the sandbox (no io, os.execute, loadfile, require, debug) and the mb calls. A script calls env() for the same list.",
	"servers": "Lists this host and the others it knows: from the directory of computation servers its operator set (a publish-subscribe node every host publishes its record to), and its peers. Each line says how busy the host is (processes running and waiting, workers, room for more), the round trip of the last ping, its version and operator. Only peers take processes from here: mb.jump(\"auto\") picks the one with the most idle workers.",
	"restore": "Brings one of your backups (backups lists them: copies of your processes on another host, kept here because its operator made this host its backup) back to life here, from its last stored state, once its home host says it no longer has it. When the home host does not answer, restore <pid> force restores it anyway: if the home host comes back with the process, it ends it there. Messages in its mailbox stayed at home.",
	"status":  "Tells the host's name, uptime, processes and limits, and the peers its processes may jump to.",
}

func (h *Host) cmdNew(from, arg string) string {
	if arg == "" {
		return "new wants Lua code: new print(mb.pid())"
	}
	name, rest := scriptName(arg)
	code, f := unfence(rest)
	var pid string
	var err error
	if f != fenceOpen {
		pid, err = h.New(from, name, code)
	}
	if reply, wait := h.waits(from, "new", arg, f, err); wait {
		return reply
	}
	if err != nil {
		return err.Error()
	}
	return pid
}

// own returns the caller's process pid (or any, for an admin).
func (h *Host) own(from, pid string) (*proc, string) {
	pid = strings.TrimSpace(pid)
	if pid == "" {
		return nil, "which process? Give its PID (ps lists them)."
	}
	pr := h.lookup(from, pid)
	if pr == nil || pr.rec.Owner != from && !h.isAdmin(from) {
		return nil, fmt.Sprintf("no process %s of yours (ps lists them)", pid)
	}
	return pr, ""
}

func (h *Host) isAdmin(from string) bool {
	for _, a := range h.cfg.Admins {
		if a == from {
			return true
		}
	}
	return false
}

func (h *Host) cmdRun(from, arg string) string {
	fields := strings.Fields(arg)
	if len(fields) == 0 {
		fields = []string{""}
	}
	pid, err := h.Run(from, fields[0], fields[1:]...)
	if err != nil {
		return err.Error()
	}
	return pid + " is running"
}

func (h *Host) cmdPs(from, _ string) string {
	rows := h.Processes(from)
	if len(rows) == 0 {
		return "no processes (new <lua code> makes one)"
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s  %s  %s old", r.PID, r.StateText, time.Since(r.Created).Round(time.Second))
		if r.Alias != "" {
			fmt.Fprintf(&b, "  (%s)", r.Alias)
		}
		if r.Name != "" {
			fmt.Fprintf(&b, "  %s", r.Name)
		}
		if r.Owner != bare(from) {
			fmt.Fprintf(&b, "  of %s", r.Owner)
		}
		if r.Comment != "" {
			fmt.Fprintf(&b, "  %s", r.Comment)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// nameRe is a script's name as new takes it before the code.
var nameRe = regexp.MustCompile(`^([A-Za-z0-9_][A-Za-z0-9_.-]{0,62}\.lua)\s`)

// scriptName splits the name off code (new hello.lua print(1)): a word
// ending in .lua is no Lua statement. Its chunk is named so: error
// positions say hello.lua:1, here and wherever it jumps.
func scriptName(arg string) (name, code string) {
	if m := nameRe.FindStringSubmatch(arg); m != nil {
		return m[1], strings.TrimLeft(arg[len(m[1]):], " \t\n")
	}
	return "", arg
}

// isScriptName says whether name is a script's name as new takes it.
func isScriptName(name string) bool {
	n, _ := scriptName(name + " ")
	return n == name
}

// stateText is how ps shows a process's state: where it went, for one
// that jumped away.
func stateText(r *Record) string {
	if r.State == StateMigrated && strings.HasPrefix(r.Reason, "to ") {
		return "migrated " + r.Reason
	}
	return string(r.State)
}

func pidLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (h *Host) cmdSource(from, pid string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, msg := h.own(from, pid)
	if pr == nil {
		return msg
	}
	return pr.rec.Source
}

func (h *Host) cmdOutput(from, pid string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, msg := h.own(from, pid)
	if pr == nil {
		return msg
	}
	if pr.rec.Output == "" {
		return fmt.Sprintf("%s has printed nothing", pr.rec.PID)
	}
	return strings.TrimSuffix(pr.rec.Output, "\n")
}

func (h *Host) cmdInput(from, arg string) string {
	pid, text, _ := strings.Cut(arg, " ")
	return said(h.Input(from, pid, text))
}

// said is a typed function's error as a reply: nothing when it worked.
func said(err error) string {
	if err != nil {
		return err.Error()
	}
	return ""
}

// Input answers process pid of user from, waiting in mb.input, with
// text (the input command; a message to host/pid or to the process's own
// address; the user's shell, the web page).
func (h *Host) Input(from, pid, text string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return err
	}
	if pr.rec.State != StateInput {
		return fmt.Errorf("%s is not waiting for input (it is %s)", pr.rec.PID, pr.rec.State)
	}
	if len(text) > h.cfg.MaxMessage {
		return fmt.Errorf("the answer is too long: at most %d KiB", h.cfg.MaxMessage>>10)
	}
	if err := h.load(pr); err != nil {
		return errors.New("cannot take the input: " + err.Error())
	}
	pr.rec.State, pr.rec.Prompt, pr.rec.Answer = StateRunning, "", &text
	pr.args = []runtime.Value{runtime.String(text)}
	// the answer is acknowledged once persisted with the record; the
	// continuation stays the one taken in mb.input
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		pr.rec.State, pr.args, pr.rec.Answer = StateInput, nil, nil
		return errors.New("cannot store the input: " + err.Error())
	}
	h.enqueue(pr)
	h.notify()
	return nil
}

// notNew is the reply to run for a process that is not new.
func notNew(pr *proc) string {
	pid := pr.rec.PID
	switch st := pr.rec.State; {
	case st == StateRunning || st == StateMigrating:
		return fmt.Sprintf("%s is already %s", pid, st)
	case st == StateInput:
		return fmt.Sprintf("%s is running, waiting for input: input %s <text> answers it", pid, pid)
	case st.waiting():
		return fmt.Sprintf("%s is running, %s", pid, st)
	}
	return fmt.Sprintf("%s has ended (%s): a process runs once; new <lua code> makes another (source %s shows its code)", pid, stateText(&pr.rec), pid)
}

func (h *Host) cmdRm(from, pid string) string {
	removed, err := h.Remove(from, pid)
	if err != nil {
		return err.Error()
	}
	return removed + " removed"
}

func (h *Host) cmdClean(from, _ string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, pr := range h.procs {
		if (pr.rec.Owner == from || h.isAdmin(from)) && !pr.rec.State.live() && h.remove(pr) == nil {
			n++
		}
	}
	switch n {
	case 0:
		return "no ended processes to remove"
	case 1:
		return "1 ended process removed"
	}
	return fmt.Sprintf("%d ended processes removed", n)
}

func (h *Host) cmdAttach(from, pid string) string {
	pid, err := h.Attach(from, pid)
	if err != nil {
		return err.Error()
	}
	return pid + "'s output comes here now"
}

func (h *Host) cmdKill(from, pid string) string {
	pid, err := h.Kill(from, pid)
	if err != nil {
		return err.Error()
	}
	return pid + " killed"
}

func (h *Host) cmdStatus(from, _ string) string { return h.Status() }

// Status is the host's status line: name, uptime, processes, limits,
// peers (the status command and query).
func (h *Host) Status() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	counts := map[State]int{}
	for _, pr := range h.procs {
		counts[pr.rec.State]++
	}
	peers := "none"
	if ps := h.Peers(); len(ps) > 0 {
		peers = strings.Join(ps, ", ")
	}
	return fmt.Sprintf("%s: up %s; %d processes (%d running, %d waiting for input, %d for a message, %d sleeping); limits: %d steps per slice, %d steps and %d MiB per process; peers: %s",
		h.cfg.Name, time.Since(h.started).Round(time.Second), len(h.procs), counts[StateRunning], counts[StateInput],
		counts[StateMessage], counts[StateSleeping], h.cfg.StepsPerSlice, h.cfg.MaxSteps, h.cfg.MaxMemory>>20, peers)
}

// Fork copies one of the caller's processes that is new or waits, and
// returns the copy's PID.
func (h *Host) Fork(from, pid string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return "", err
	}
	switch {
	case pr.rec.State == StateNew:
		if err := h.admit(pr.rec.Owner); err != nil {
			return "", err
		}
		npid, err := h.store.NextPID()
		if err != nil {
			return "", err
		}
		child := &proc{h: h, rec: Record{PID: npid, Owner: pr.rec.Owner, Source: pr.rec.Source, State: StateNew,
			Created: time.Now().UTC(), Parent: pr.rec.PID, Comment: pr.rec.Comment, Name: pr.rec.Name}}
		if err := h.store.Put(&child.rec, nil, false); err != nil {
			return "", err
		}
		h.procs[npid] = child
		h.notify()
		return npid, nil
	case pr.rec.State.waiting():
		if err := h.load(pr); err != nil {
			return "", err
		}
		child, err := h.fork(pr, false)
		if err != nil {
			return "", errors.New("cannot fork it: " + err.Error())
		}
		// the copy waits for what its original waits for
		child.rec.State, child.rec.Prompt, child.rec.WakeAt = pr.rec.State, pr.rec.Prompt, pr.rec.WakeAt
		child.args = nil
		if err := h.checkpoint(child); err != nil {
			return "", err
		}
		h.evict(child)
		h.evict(pr)
		h.arm(child)
		h.notify()
		return child.rec.PID, nil
	}
	return "", fmt.Errorf("%s is %s: fork copies a new or waiting process (a script forks itself with mb.fork)", pr.rec.PID, pr.rec.State)
}

func (h *Host) cmdFork(from, pid string) string {
	child, err := h.Fork(from, pid)
	if err != nil {
		return err.Error()
	}
	return child
}

// Load is how busy the host is: its processes in memory and in the
// store (the presence status that users' rosters show).
type Load struct {
	Processes int // all it keeps, ended ones too
	Live      int // not ended: new, running, waiting or migrating (what Config.MaxProcs bounds)
	Running   int // running or migrating
	Waiting   int // waiting for input, a message or a timer
}

// Load counts the host's processes.
func (h *Host) Load() Load {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count()
}

// count counts the host's processes. h.mu is held.
func (h *Host) count() Load {
	l := Load{Processes: len(h.procs)}
	for _, pr := range h.procs {
		if pr.rec.State.live() {
			l.Live++
		}
		switch st := pr.rec.State; {
		case st == StateRunning || st == StateMigrating:
			l.Running++
		case st.waiting():
			l.Waiting++
		}
	}
	return l
}

//go:embed examples/*.lua
var examplesFS embed.FS

// examples returns the bundled examples in order.
func examples() []string {
	ents, _ := examplesFS.ReadDir("examples")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// exampleList is the bundled examples in order, each titled by its first
// line ("-- 1: hello — who and where a process is").
func exampleList() []Example {
	var list []Example
	for i, n := range examples() {
		src, _ := examplesFS.ReadFile(path.Join("examples", n))
		first, _, _ := strings.Cut(string(src), "\n")
		title := strings.TrimPrefix(strings.TrimPrefix(first, "-- "), fmt.Sprintf("%d: ", i+1))
		list = append(list, Example{Name: n, Title: title, Source: string(src)})
	}
	return list
}

func (h *Host) cmdExamples(from, _ string) string {
	var b strings.Builder
	for i, e := range exampleList() {
		fmt.Fprintf(&b, "example %d — %s\n", i+1, e.Title)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (h *Host) cmdExample(from, arg string) string {
	list := exampleList()
	var n int
	if _, err := fmt.Sscan(arg, &n); err != nil || n < 1 || n > len(list) {
		return fmt.Sprintf("example wants a number from 1 to %d (examples lists them)", len(list))
	}
	e := list[n-1]
	_, name, _ := strings.Cut(e.Name, "-") // 1-hello.lua
	pid, err := h.New(from, name, e.Source)
	if err != nil {
		return err.Error()
	}
	return h.cmdRun(from, pid)
}

// cmdShell makes a process the caller's shell: their later messages are
// its input.
func (h *Host) cmdShell(from, arg string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if arg == "off" {
		if _, ok := h.shells[from]; !ok {
			return "you have no shell on (shell <pid> makes a process your shell)"
		}
		delete(h.shells, from)
		return "shell off: messages are commands again"
	}
	pr, msg := h.own(from, arg)
	if pr == nil {
		return msg
	}
	h.shells[from] = pr.rec.PID
	return fmt.Sprintf("your messages now go to %s as input; shell off ends that", pr.rec.PID)
}

// toShell passes a message to the caller's shell process, if they have
// one, and returns the reply ("" when the process took it).
func (h *Host) toShell(from, text string) (string, bool) {
	h.mu.Lock()
	pid, ok := h.shells[from]
	h.mu.Unlock()
	if !ok || strings.TrimSpace(text) == "shell off" {
		return "", false
	}
	return said(h.Input(from, pid, text)), true
}

func (h *Host) cmdSend(from, arg string) string {
	pid, text, _ := strings.Cut(arg, " ")
	to, err := h.Send(from, pid, text)
	if err != nil {
		return err.Error()
	}
	return "sent to " + to
}

// Send puts text in the mailbox of one of the caller's processes (its
// mb.receive gets it) and returns its PID.
func (h *Host) Send(from, pid, text string) (string, error) {
	h.mu.Lock()
	pr, err := h.mine(from, pid)
	h.mu.Unlock()
	if err != nil {
		return "", err
	}
	v, err := copyValue(runtime.String(text), h.cfg.MaxMessage)
	if err == nil {
		err = h.Deliver(Sender{Addr: from, Owner: pr.rec.Owner}, pr.rec.PID, v)
	}
	return pr.rec.PID, err
}

func (h *Host) cmdComment(from, arg string) string {
	pid, text, _ := strings.Cut(arg, " ")
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, msg := h.own(from, pid)
	if pr == nil {
		return msg
	}
	if len(text) > maxComment {
		return fmt.Sprintf("a comment has at most %d bytes", maxComment)
	}
	pr.rec.Comment = text
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		return "cannot store it: " + err.Error()
	}
	if text == "" {
		return pr.rec.PID + "'s comment is removed"
	}
	return pr.rec.PID + "'s comment is set (ps shows it)"
}

func (h *Host) cmdAlias(from, arg string) string {
	name, pid, _ := strings.Cut(arg, " ")
	if err := checkAlias(name); err != nil {
		return err.Error()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, msg := h.own(from, pid)
	if pr == nil {
		return msg
	}
	// an alias is in its owner's namespace (an admin names the owner's)
	if other := h.lookup(pr.rec.Owner, name); other != nil && other != pr {
		return fmt.Sprintf("%s already names %s", name, other.rec.PID)
	}
	if pr.rec.Alias != "" {
		delete(h.aliases, aliasKey(pr.rec.Owner, pr.rec.Alias))
	}
	pr.rec.Alias = name
	h.aliases[aliasKey(pr.rec.Owner, name)] = pr.rec.PID
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		return "cannot store it: " + err.Error()
	}
	return fmt.Sprintf("%s is %s", name, pr.rec.PID)
}

func (h *Host) cmdEnv(from, _ string) string { return envText(h.newProcess(&proc{h: h}).Globals) }

// envText lists the globals of g, a library's with its names: what a
// script sees (the env command; env() prints it); maxEnv of them at
// most, and as many of a library's.
func envText(g *runtime.Table) string {
	var names []string
	more := false
	for k, v, _ := g.Next(runtime.Nil); !k.IsNil(); k, v, _ = g.Next(k) {
		if more = len(names) == maxEnv; more {
			break
		}
		name, ok := k.Str()
		if !ok {
			continue
		}
		if t := v.Table(); t != nil && t != g {
			var fs []string
			for k2, _, _ := t.Next(runtime.Nil); !k2.IsNil() && len(fs) < maxEnv; k2, _, _ = t.Next(k2) {
				if s, ok := k2.Str(); ok {
					fs = append(fs, s)
				}
			}
			sort.Strings(fs)
			name += " (" + strings.Join(fs, " ") + ")"
		}
		names = append(names, name)
	}
	sort.Strings(names)
	if more {
		names = append(names, "(and more)")
	}
	return strings.Join(names, "\n")
}
