package console

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigFile(t *testing.T) {
	// the documented example parses, and says what it says
	doc, err := os.ReadFile("../../docs/host-config.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "```toml\n") + len("```toml\n")
	end := strings.Index(text[start:], "```")
	path := filepath.Join(t.TempDir(), "host.toml")
	os.WriteFile(path, []byte(text[start:start+end]), 0o644)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	acct := accountFlags(fs, "")
	store := fs.String("store", "default.db", "")
	var peers peerList
	hc, err := loadConfig(path, acct, store, &peers)
	if err != nil {
		t.Fatal(err)
	}
	if *acct.jid != "lua1@a.example" || *acct.passFile != "/etc/mobilua/pw" || !*acct.useTLS || *store != "mobilua-host.db" ||
		len(peers) != 1 || peers[0] != "lua2@b.example" || hc.StepsPerSlice != 100000 || hc.MaxMemory != 64<<20 ||
		hc.OutputEvery != time.Second || hc.MaxLifetime != 24*time.Hour || hc.Workers != 2 || hc.NoSync ||
		hc.MaxProcs != 10000 || hc.MaxMail != 100 || hc.MaxStanza != 65536 || hc.SendRate != 20 || hc.HostMemory != 0 || hc.MaxStored != 256<<20 || hc.JumpRate != 4<<20 {
		t.Errorf("parsed: %+v %+v", acct, hc)
	}
	os.WriteFile(path, []byte("directory = \"pubsub.a.example\"\n"), 0o644)
	if _, err := loadConfig(path, acct, store, &peers); err == nil || !strings.Contains(err.Error(), "are for mobilua host") {
		t.Errorf("a directory for the client: %v", err)
	}
	acct.dir = &dirFlags{new(string), new(string), new(string), new(string)}
	os.WriteFile(path, []byte("directory = \"pubsub.a.example\"\ndirectory_node = \"n\"\ncontact = \"xmpp:op@a.example\"\nupload = \"none\"\n"), 0o644)
	if _, err := loadConfig(path, acct, store, &peers); err != nil || *acct.dir.service != "pubsub.a.example" || *acct.dir.node != "n" || *acct.dir.contact != "xmpp:op@a.example" || *acct.dir.upload != "none" {
		t.Errorf("directory: %v %q %q %q %q", err, *acct.dir.service, *acct.dir.node, *acct.dir.contact, *acct.dir.upload)
	}
	os.WriteFile(path, []byte("mode = \"component\"\n"), 0o644)
	if _, err := loadConfig(path, acct, store, &peers); err == nil || !strings.Contains(err.Error(), "is for mobilua host") {
		t.Errorf("component mode for the client: %v", err)
	}
	acct.component = new(bool)
	if _, err := loadConfig(path, acct, store, &peers); err != nil || !*acct.component {
		t.Errorf("component mode: %v", err)
	}
	*acct.passFile = ""
	if cfg, err := acct.config(); err != nil || !cfg.Component {
		t.Errorf("component mode not in the login configuration: %v", err)
	}
	os.WriteFile(path, []byte("mode = \"server\"\n"), 0o644)
	if _, err := loadConfig(path, acct, store, &peers); err == nil || !strings.Contains(err.Error(), "mode must be") {
		t.Errorf("a bad mode: %v", err)
	}
	os.WriteFile(path, []byte("sync = false\n"), 0o644)
	if hc, err := loadConfig(path, acct, store, &peers); err != nil || !hc.NoSync {
		t.Errorf("sync = false: %v, NoSync %v", err, hc.NoSync)
	}
	os.WriteFile(path, []byte("jid = 'x@y'\nnonsense = 1\n"), 0o644)
	if _, err := loadConfig(path, acct, store, &peers); err == nil || !strings.Contains(err.Error(), "unknown key nonsense") {
		t.Errorf("unknown key: %v", err)
	}
}

// TestConfigWeb: the web interface's keys set mobilua host's flags; the
// client has none.
func TestConfigWeb(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host.toml")
	os.WriteFile(path, []byte("http = \"127.0.0.1:8080\"\nhttp_url = \"https://lua.example\"\nhttp_cert = \"c.pem\"\nhttp_key = \"k.pem\"\n"), 0o644)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	acct := accountFlags(fs, "")
	acct.web = newWebFlags(fs)
	var peers peerList
	if _, err := loadConfig(path, acct, new(string), &peers); err != nil {
		t.Fatal(err)
	}
	if w := acct.web; *w.addr != "127.0.0.1:8080" || *w.url != "https://lua.example" || *w.cert != "c.pem" || *w.key != "k.pem" {
		t.Errorf("web flags: %q %q %q %q", *w.addr, *w.url, *w.cert, *w.key)
	}
	acct.web = nil
	if _, err := loadConfig(path, acct, new(string), &peers); err == nil || !strings.Contains(err.Error(), "http is for mobilua host") {
		t.Errorf("http for a client: %v", err)
	}
}
