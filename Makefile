# Mobilua. `make demo` runs the bundled example; `make test` runs every test.
GO ?= go
BIN := bin/mobilua
# Fuzzing runs a number of executions, not a duration: a duration races Go
# 1.26's fuzz coordinator (golang/go#75804: "context deadline exceeded" at
# the end, with no failing input, on a loaded machine).
FUZZN ?= 100000

.PHONY: all build demo test unit fuzz bench bench-ab bench-compiled bench-jump bench-load gobench clean

all: build

build:
	$(GO) build -buildvcs=auto -o bin/ ./cmd/mobilua ./cmd/mobilua-full

demo: build
	./$(BIN) run examples/hello.lua
	@echo '--- a process that travels: it freezes twice, and each time another OS process goes on'
	cd examples && ../$(BIN) run travel.lua
	cd examples && ../$(BIN) inspect travel.cont
	cd examples && ../$(BIN) resume travel.cont
	cd examples && ../$(BIN) resume travel.cont
	rm -f examples/travel.cont
	@echo '--- the same on XMPP: two hosts on a private Prosody (installed if missing), a process jumps between them'
	BIN=$(BIN) scripts/demo-xmpp

# every test runs: what the tests need beside Go is installed when it can
# be (scripts/test-tools), and a test that still lacks lua5.1, Prosody,
# slixmpp or Chromium fails, naming it, instead of skipping (ALLOW_SKIP=1
# lets them skip); the run ends with how many tests passed, failed and
# were skipped (internal/testreport)
test: export MOBILUA_REQUIRE_TOOLS = $(if $(ALLOW_SKIP),,1)
test: build
	ALLOW_SKIP=$(ALLOW_SKIP) scripts/test-tools
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 -json ./... | $(GO) run ./internal/testreport
	$(GO) test -race -short -count=1 ./host ./xmpphost ./webhost
	$(MAKE) fuzz

unit:
	$(GO) test ./...

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzCompile$$' -fuzztime=$(FUZZN)x ./transpile
	$(GO) test -run='^$$' -fuzz='^FuzzRun$$' -fuzztime=$(FUZZN)x ./internal/luatest
	$(GO) test -run='^$$' -fuzz='^FuzzThaw$$' -fuzztime=$(FUZZN)x ./continuation
	$(GO) test -run='^$$' -fuzz='^FuzzHostThaw$$' -fuzztime=$(FUZZN)x ./host

# Side-by-side benchmarks against lua5.1, LuaJIT and gopher-lua, then the
# same scripts compiled ahead of time (a mobilua built with their compiled
# code linked in) beside lua5.1: the shared suite, then the project's own
# larger programs (bench/lua: object-heavy code as real programs are), and
# the peak memory of each (scripts/bench-rss), and the start-up beside
# lua5.1's (scripts/bench-startup). scripts/bench-suite runs the
# shared harness and fails when Mobilua's output disagrees with lua5.1's,
# not when only a peer's does (gopher-lua's on collide.lua).
bench: build bench-compiled
	MOBILUA="$(CURDIR)/$(BIN) run" scripts/bench-suite $(BENCHFLAGS)
	MOBILUA="$(CURDIR)/bin/mobilua-compiled run" MOBILUA_NAME=compiled scripts/bench-suite -i mobilua $(BENCHFLAGS)
	MOBILUA="$(CURDIR)/$(BIN) run" scripts/bench-suite -d $(CURDIR)/bench/lua $(BENCHFLAGS)
	MOBILUA="$(CURDIR)/bin/mobilua-compiled run" MOBILUA_NAME=compiled scripts/bench-suite -d $(CURDIR)/bench/lua -i mobilua $(BENCHFLAGS)
	scripts/bench-rss ../shared/bench/lua bench/lua
	scripts/bench-startup

# Compiled code against the interpreter, run by turns on the same scripts
# (the ratio the two runs of bench give is at the mercy of the machine's
# drift between them): ABN=5 runs each.
ABN ?= 5
bench-ab: build bench-compiled
	scripts/bench-ab -n $(ABN)

bench-compiled: build
	./$(BIN) build --cli -o bin/mobilua-compiled ../shared/bench/lua/*.lua bench/lua/*.lua

# Loading code beside lua5.1 (bench/load: loadstring of a 1.3 MB chunk).
bench-load: build
	MOBILUA="$(CURDIR)/$(BIN) run" ../shared/bench/run -d $(CURDIR)/bench/load -i mobilua -c $(BENCHFLAGS)

# Migration on a private Prosody, in one line (scripts/bench-jump).
bench-jump:
	scripts/bench-jump

gobench:
	$(GO) test -run='^$$' -bench=. -benchmem ./runtime/... ./continuation ./transpile

clean:
	rm -rf bin
