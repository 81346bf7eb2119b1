package console

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/webhost"
)

// webFlags are mobilua host's flags of its web interface.
type webFlags struct {
	addr, url, cert, key *string
}

func newWebFlags(fs *flag.FlagSet) *webFlags {
	return &webFlags{
		addr: fs.String("http", "", "serve the web interface at this address (127.0.0.1:8080); off unless given"),
		url:  fs.String("http-url", "", "the address users reach the web interface at, for the sign-in links (default http://ADDR, or https:// with a certificate): a reverse proxy's"),
		cert: fs.String("http-cert", "", "serve HTTPS with this certificate (PEM; with --http-key)"),
		key:  fs.String("http-key", "", "the certificate's key (PEM)"),
	}
}

// startWeb serves h's web interface when --http (or http in the
// configuration) is set; stop stops it.
func startWeb(w *webFlags, h *host.Host, log *slog.Logger, stdout io.Writer) (stop func(), err error) {
	if *w.addr == "" {
		return func() {}, nil
	}
	if (*w.cert == "") != (*w.key == "") {
		return nil, fmt.Errorf("--http-cert and --http-key go together")
	}
	ln, err := net.Listen("tcp", *w.addr)
	if err != nil {
		return nil, err
	}
	url := *w.url
	if url == "" {
		scheme := "http"
		if *w.cert != "" {
			scheme = "https"
		}
		url = scheme + "://" + ln.Addr().String()
	}
	srv, err := webhost.New(h, webhost.Config{BaseURL: url, CertFile: *w.cert, KeyFile: *w.key, Version: cli.Version(), Log: log})
	if err != nil {
		ln.Close()
		return nil, err
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Error("web interface stopped", "err", err)
		}
	}()
	log.Info("web interface", "url", url)
	fmt.Fprintf(stdout, "mobilua host: web interface at %s (type web in chat to sign in)\n", url)
	return func() { srv.Close() }, nil
}
