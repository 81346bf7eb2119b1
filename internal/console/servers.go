package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/xmpphost"
)

// serversCmd is `mobilua servers`: the directory of computation servers,
// as any account reads it, with each host's load and round trip.
func serversCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := cli.NewFlags("servers", stdout, stderr, `Lists the computation servers of a directory (a publish-subscribe node every
host publishes its record to): each host's load, workers, room, version,
operator, and the round trip of a ping from your account.`, "servers --jid JID [--directory SERVICE] [flags]")
	acct := accountFlags(fs.FlagSet, "your XMPP account (required)")
	service := fs.String("directory", "", "the directory's publish-subscribe service (default pubsub.<your domain>)")
	node := fs.String("directory-node", "", "the directory's node (default "+xmpphost.DefaultNode+")")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if _, status, ok := fs.ParseN(args, 0, "no arguments expected"); !ok {
		return status
	}
	if *acct.jid == "" {
		return fs.Fail("--jid is required")
	}
	if *service == "" {
		_, domain, _ := strings.Cut(*acct.jid, "@")
		*service = "pubsub." + strings.SplitN(domain, "/", 2)[0]
	}
	cfg, err := acct.config()
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	all, err := xmpphost.ListServers(ctx, cfg, *service, *node)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d servers in %s:\n", len(all), *service)
	for _, s := range all {
		fmt.Fprintln(stdout, s)
	}
	return 0
}
