package console

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"mellium.im/xmpp/stream"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/xmpphost"
)

// hostCmd is `mobilua host`: the computation host on an XMPP account.
func hostCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fl := cli.NewFlags("host", stdout, stderr, `The computation host, logged in to an XMPP account (or as a component):
users add its JID to their roster and send it commands (help lists them);
its processes persist in the store and may jump to and from its peers.
Settings may come from a TOML file (docs/host-config.md); the password
from a file or MOBILUA_XMPP_PASSWORD. It stops at SIGINT or SIGTERM.`, "host --jid JID [flags]")
	fs := fl.FlagSet
	acct := accountFlags(fs, "the host's XMPP account, or its domain with --component (required)")
	acct.component = fs.Bool("component", false, "log in as an external component (XEP-0114): --jid is its domain, the password its secret, --addr the server's component port (default 5347); processes get JIDs pid@domain")
	store := fs.String("store", "mobilua-host.db", "the host's store")
	var peers peerList
	fs.Var(&peers, "peer", "a host processes may jump to and from (a bare JID; repeat the flag for more)")
	configFile := fs.String("config", "", "a TOML file of settings (docs/host-config.md); flags given too win")
	takeover := fs.Bool("takeover", false, "start although another host is online on the account (the server then cuts that one off)")
	logFormat := fs.String("log-format", "text", "the log's format on standard error: text or json")
	logLevel := fs.String("log-level", "info", "the least level logged: debug, info, warn or error")
	acct.web = newWebFlags(fs)
	acct.dir = &dirFlags{
		service: fs.String("directory", "", "the publish-subscribe service of a directory of computation servers (pubsub.a.example): the host publishes its record and load there and learns the other hosts'"),
		node:    fs.String("directory-node", "", "the directory's node (default "+xmpphost.DefaultNode+")"),
		contact: fs.String("contact", "", "the operator's address, for the host's record in the directory (xmpp:admin@a.example)"),
		upload:  fs.String("upload", "", "the HTTP File Upload service (XEP-0363) large jumps go by (upload.a.example); default: the one the server lists; none: jumps go in pieces only"),
	}
	if _, status, ok := fl.ParseN(args, 0, "no arguments expected (settings are flags)"); !ok {
		return status
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua host: %v\n", err)
		return 2
	}
	hc := host.DefaultConfig()
	if *configFile != "" {
		// the file first, then the flags that were given
		var err error
		if hc, err = loadConfig(*configFile, acct, store, &peers); err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 2
		}
		fl.Parse(args)
		slices.Sort(peers)
		peers = slices.Compact(peers)
	}
	if *acct.jid == "" {
		return fl.Fail("--jid is required")
	}
	cfg, err := acct.config()
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	cfg.Resource = xmpphost.HostResource
	hc.Log = log
	hc.Version, hc.Contact = cli.Version(), *acct.dir.contact
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// the transport is replaced when the connection is; the host keeps
	// the current one
	sw := &switchable{}
	hc.Name = cfg.JID
	h, closeHost, err := startHost(*store, hc, sw)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	defer closeHost()
	stopWeb, err := startWeb(acct.web, h, log, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: web interface: %v\n", err)
		return 1
	}
	defer stopWeb()
	backoff := time.Second
	if !*takeover && !cfg.Component {
		// one host per account: a second one would cut the first off
		if taken, err := xmpphost.Occupied(ctx, cfg); err == nil && taken {
			fmt.Fprintf(stderr, "mobilua host: another host is online as %s/%s; stop it first, or start with --takeover\n", cfg.JID, cfg.Resource)
			return 1
		}
	}
	for ctx.Err() == nil {
		tr, err := xmpphost.Dial(ctx, cfg)
		if err != nil {
			log.Warn("cannot connect", "jid", cfg.JID, "err", err, "again in", backoff)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Minute)
			continue
		}
		backoff = time.Second
		tr.SetPeers(peers)
		tr.Log = log
		if *acct.dir.service != "" {
			if err := tr.SetDirectory(*acct.dir.service, *acct.dir.node); err != nil {
				fmt.Fprintf(stderr, "mobilua: %v\n", err)
				return 2
			}
		}
		if err := setUpload(tr, *acct.dir.upload); err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 2
		}
		sw.set(tr)
		log.Info("connected", "jid", cfg.JID, "resource", cfg.Resource, "peers", len(peers))
		fmt.Fprintf(stdout, "mobilua host %s: serving (store %s)\n", cfg.JID, *store)
		go func() { <-ctx.Done(); tr.Close() }()
		err = tr.Serve(h)
		sw.set(nil)
		if errors.Is(err, stream.Conflict) {
			log.Error("another host took over the account", "jid", cfg.JID)
			fmt.Fprintf(stderr, "mobilua host: another host logged in as %s/%s and took over; stopping\n", cfg.JID, cfg.Resource)
			return 1
		}
		if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
			log.Warn("connection lost", "err", err)
		}
	}
	log.Info("stopped")
	return 0
}

// newLogger makes the host's log on w.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: text or json", format)
}

// switchable is a Transport whose connection can change.
type switchable struct {
	cur atomicTransport
}

func (s *switchable) set(t *xmpphost.Transport) { s.cur.Store(t) }

// Jump and Peers make the current connection's jumps available to the
// host (host.Jumper).
func (s *switchable) Jump(to, id string, rec host.Record, cont []byte, stored <-chan error) (string, error) {
	t := s.cur.Load()
	if t == nil {
		return "", host.ErrNoAnswer
	}
	return t.Jump(to, id, rec, cont, stored)
}

func (s *switchable) Cancel(to, id string) (bool, error) {
	t := s.cur.Load()
	if t == nil {
		return false, errors.New("not connected")
	}
	return t.Cancel(to, id)
}

func (s *switchable) Message(hostJID, pid string, from host.Sender, v host.Plain) error {
	t := s.cur.Load()
	if t == nil {
		return errors.New("not connected")
	}
	return t.Message(hostJID, pid, from, v)
}

func (s *switchable) SendAs(pid, to, text string) error {
	t := s.cur.Load()
	if t == nil {
		return errors.New("not connected")
	}
	return t.SendAs(pid, to, text)
}

// Result is the current connection's (host.Resulter).
func (s *switchable) Result(hostJID, pid, owner, part string, res host.PartResult) error {
	t := s.cur.Load()
	if t == nil {
		return host.ErrNoAnswer
	}
	return t.Result(hostJID, pid, owner, part, res)
}

// Backup and BackupOp are the current connection's (host.Backuper).
func (s *switchable) Backup(from, to string, rec host.Record, cont []byte) error {
	t := s.cur.Load()
	if t == nil {
		return host.ErrNoAnswer
	}
	return t.Backup(from, to, rec, cont)
}

func (s *switchable) BackupOp(from, to, op, pid, owner, arg string) (string, error) {
	t := s.cur.Load()
	if t == nil {
		return "", host.ErrNoAnswer
	}
	return t.BackupOp(from, to, op, pid, owner, arg)
}

// PeerStates is the current connection's (host.PeerWatcher).
func (s *switchable) PeerStates() map[string]string {
	if t := s.cur.Load(); t != nil {
		return t.PeerStates()
	}
	return nil
}

// Servers is the current connection's directory (host.Directory).
func (s *switchable) Servers() ([]host.Server, bool) {
	if t := s.cur.Load(); t != nil {
		return t.Servers()
	}
	return nil, false
}

func (s *switchable) Peers() []string {
	if t := s.cur.Load(); t != nil {
		return t.Peers()
	}
	return nil
}

// peerList is a repeatable flag.
type peerList []string

func (p *peerList) String() string     { return strings.Join(*p, ",") }
func (p *peerList) Set(v string) error { *p = append(*p, v); return nil }

func (s *switchable) Send(to, text string) error {
	t := s.cur.Load()
	if t == nil {
		return errors.New("not connected")
	}
	return t.Send(to, text)
}

// account is the flags that say how to log in.
type account struct {
	jid, passFile, addr, ca *string
	useTLS, insecure        *bool
	component               *bool     // mobilua host only
	web                     *webFlags // mobilua host only
	dir                     *dirFlags // mobilua host only
}

// setUpload applies --upload: "" leaves it to discovery, none turns the
// bulk path off.
func setUpload(tr *xmpphost.Transport, upload string) error {
	switch upload {
	case "":
		return nil
	case "none":
		return tr.SetUpload("", 0)
	}
	return tr.SetUpload(upload, 0)
}

// dirFlags say where the directory of computation servers is, what the
// host's record says of its operator, and which upload service large
// jumps go by.
type dirFlags struct{ service, node, contact, upload *string }

func accountFlags(fs *flag.FlagSet, jidHelp string) account {
	return account{
		jid:      fs.String("jid", "", jidHelp),
		passFile: fs.String("password-file", "", "a file holding the password (or set MOBILUA_XMPP_PASSWORD)"),
		addr:     fs.String("addr", "", "the server's address host:port (default: the JID's domain, port 5222)"),
		useTLS:   fs.Bool("tls", true, "negotiate STARTTLS, verifying the server's certificate"),
		ca:       fs.String("ca", "", "a PEM file to trust (a self-signed server)"),
		insecure: fs.Bool("insecure", false, "accept any certificate (test servers only)"),
	}
}

// config reads the password and returns the login configuration.
func (a account) config() (xmpphost.Config, error) {
	pass := os.Getenv("MOBILUA_XMPP_PASSWORD")
	if *a.passFile != "" {
		b, err := os.ReadFile(*a.passFile)
		if err != nil {
			return xmpphost.Config{}, err
		}
		pass = strings.TrimSpace(string(b))
	}
	cfg := xmpphost.Config{JID: *a.jid, Password: pass, Addr: *a.addr, TLS: *a.useTLS, CAFile: *a.ca, Insecure: *a.insecure}
	cfg.Component = a.component != nil && *a.component
	return cfg, nil
}
