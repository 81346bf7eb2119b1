package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	neturl "net/url"
	"path"
	"strings"
	"syscall"
	"time"
)

// `load <url>` fetches a script for a user: a request the host makes on
// a stranger's behalf. It reaches only public addresses: loopback,
// private, link-local, multicast and unspecified ones are refused where
// the connection is made (the dialer's control hook sees the address
// actually dialed, so a name that resolves to one, or a redirect to one,
// is refused too), unless the operator allowed them (Config.LoadAllow).
// Redirects, size and time are bounded, and an error never tells what is
// behind a refused address.

// errNotAllowed is the one error a refused address gives.
var errNotAllowed = errors.New("that address is not allowed")

// loadClient is the HTTP client of `load`.
func (h *Host) loadClient() *http.Client {
	allow := h.loadAllow()
	dialer := &net.Dialer{Timeout: h.cfg.LoadTimeout, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !allow.addr(ap.Addr()) {
			return errNotAllowed
		}
		return nil
	}}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us, past the hook
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    h.cfg.LoadTimeout,
		ResponseHeaderTimeout:  h.cfg.LoadTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
	}
	return &http.Client{Transport: tr, Timeout: h.cfg.LoadTimeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return errNotAllowed
		}
		return nil
	}}
}

// allowList is what the operator lets `load` reach besides public
// addresses: addresses, prefixes and host names (the names resolved at
// each request).
type allowList struct {
	prefixes []netip.Prefix
}

func (h *Host) loadAllow() allowList {
	var l allowList
	for _, a := range h.cfg.LoadAllow {
		if p, err := netip.ParsePrefix(a); err == nil {
			l.prefixes = append(l.prefixes, p.Masked())
		} else if ip, err := netip.ParseAddr(a); err == nil {
			l.prefixes = append(l.prefixes, netip.PrefixFrom(ip, ip.BitLen()))
		} else if ips, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", a); err == nil {
			for _, ip := range ips {
				l.prefixes = append(l.prefixes, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
			}
		}
	}
	return l
}

// addr says whether ip may be dialed.
func (l allowList) addr(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range l.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return public(ip)
}

// public says whether ip is a public unicast address.
func public(ip netip.Addr) bool {
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() &&
		!ip.IsMulticast() && !ip.IsUnspecified() && !shared.Contains(ip) && !ip.Is4In6()
}

// shared is the carrier-grade NAT range (RFC 6598), private in effect.
var shared = netip.MustParsePrefix("100.64.0.0/10")

// cmdLoad makes a process from the source at an http(s) URL.
func (h *Host) cmdLoad(from, url string) string {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return "load wants an http(s) URL: load https://example.com/script.lua"
	}
	src, err := h.fetch(url)
	if err != nil {
		return "cannot load it: " + err.Error()
	}
	pid, err := h.New(from, urlName(url), string(src))
	if err != nil {
		return err.Error()
	}
	return pid
}

// fetch gets a script, with errors that say no more than the user needs.
func (h *Host) fetch(url string) ([]byte, error) {
	start := time.Now()
	resp, err := h.loadClient().Get(url)
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, errNotAllowed):
			return nil, errNotAllowed
		case errors.As(err, &ne) && ne.Timeout() || time.Since(start) >= h.cfg.LoadTimeout:
			return nil, errors.New("no answer in time")
		case strings.Contains(err.Error(), "too many redirects"):
			return nil, errors.New("too many redirects")
		}
		return nil, errors.New("the server could not be reached")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s", resp.Status)
	}
	src, err := io.ReadAll(io.LimitReader(resp.Body, int64(h.cfg.MaxLoad)+1))
	if err != nil {
		return nil, errors.New("the transfer failed")
	}
	if len(src) > h.cfg.MaxLoad {
		return nil, fmt.Errorf("more than %d bytes", h.cfg.MaxLoad)
	}
	return src, nil
}

// urlName is the name a script loaded from url gets, or "" when its last
// path element is no .lua name.
func urlName(url string) string {
	if u, err := neturl.Parse(url); err == nil && isScriptName(path.Base(u.Path)) {
		return path.Base(u.Path)
	}
	return ""
}
