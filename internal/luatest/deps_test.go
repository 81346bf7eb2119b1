package luatest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection checks the architecture's import rules with go list:
// ir imports nothing of the module; runtime and its stdlib never import the
// front end, continuation, host or the command line; transpile never
// imports runtime (nor gopher-lua: the parser and the tree are ours); the embedding API reaches no host, transport or
// command line.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/mobilua/mobilua/"
	forbidden := map[string][]string{
		"ir":             {"transpile", "runtime", "continuation", "host", "internal", "cmd"},
		"runtime":        {"transpile", "continuation", "host", "internal", "cmd"},
		"runtime/stdlib": {"transpile", "continuation", "host", "internal", "cmd"},
		// the runtime's door for the continuation package: it imports
		// nothing
		"internal/image": {"ir", "runtime", "transpile", "continuation", "host", "internal/cli", "cmd"},
		// the thaw's block allocator, shared by the runtime and the
		// continuation package: it imports nothing
		"internal/block": {"ir", "runtime", "transpile", "continuation", "host", "internal/image", "internal/cli", "cmd"},
		"transpile":      {"runtime", "continuation", "host", "internal", "cmd", "github.com/yuin/gopher-lua"},
		// the syntax tree: nothing of the module's, nor gopher-lua's
		"transpile/ast": {"ir", "runtime", "continuation", "host", "internal", "cmd", "github.com/yuin/gopher-lua"},
		// the codec is its subpackage pack's
		"continuation": {"transpile", "host", "internal", "cmd", "github.com/klauspost/compress"},
		"internal/cli": {"transpile/gogen", "internal/build", "internal/console", "host", "github.com/dave/jennifer"},
		"host":         {"internal", "cmd", "xmpphost", "webhost"},
		"xmpphost":     {"internal", "cmd", "webhost"},
		"webhost":      {"internal", "cmd", "xmpphost"},
		// the embedding API (the module's root package): a front end on
		// the runtime, beside host, never a transport's
		"": {"host", "xmpphost", "webhost", "internal", "cmd", "transpile/gogen"},
		// the command that runs scripts starts without the host's and the
		// compiler's packages (it runs cmd/mobilua-full for their commands),
		// nor the codec of packed continuations
		"cmd/mobilua": {"internal/build", "internal/console", "host", "xmpphost", "webhost", "transpile/gogen",
			"continuation/pack", "mellium.im", "go.etcd.io/bbolt", "github.com/dave/jennifer", "golang.org/x/tools",
			"github.com/BurntSushi/toml", "github.com/klauspost/compress"},
		// only tests import it
		"internal/testbin": {"ir", "runtime", "transpile", "continuation", "host", "xmpphost", "cmd",
			"internal/cli", "internal/build", "internal/console", "internal/luatest"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", strings.TrimSuffix(mod+pkg, "/")).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				if b == "internal" && (dep == mod+"internal/image" || dep == mod+"internal/block") {
					continue // the runtime's door and its block allocator: whatever imports the runtime has them
				}
				if strings.HasPrefix(dep, mod+b) || strings.Contains(b, ".") && strings.HasPrefix(dep, b) {
					t.Errorf("%s imports %s", pkg, dep)
				}
			}
		}
	}
}
