package host

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/mobilua/mobilua/runtime"
)

// A Message is a value sent between processes (mb.send) or by a user
// (send <pid> <text>): values are copied, so only plain data travels —
// nil, booleans, numbers, strings, and tables of them (without cycles,
// metatables or functions).
type Message struct {
	Seq   uint64 `json:"seq"` // its number in the receiver's mailbox
	From  string `json:"from"`
	Owner string `json:"owner,omitempty"` // whom the sender acts for
	Value Plain  `json:"value"`
}

// Plain is a copied Lua value, as JSON: {"s": "text"}, {"n": 1.5},
// {"b": true}, {} for nil, {"t": [[key, value], ...]} for a table.
type Plain struct {
	S *string    `json:"s,omitempty"`
	N *float64   `json:"n,omitempty"`
	B *bool      `json:"b,omitempty"`
	T [][2]Plain `json:"t,omitempty"`
	// IsTable tells an empty table from nil
	IsTable bool `json:"table,omitempty"`
}

// how deep a copied value's tables may nest
const maxPlainDepth = 50

// plainItem is what a value counts for in a message's size besides its
// string's bytes (about its JSON).
const plainItem = 8

// copyValue copies v into a Plain of at most max bytes (by size), or says
// why it cannot travel.
func copyValue(v runtime.Value, max int) (Plain, error) {
	size := 0
	var cp func(v runtime.Value, depth int, seen map[*runtime.Table]bool) (Plain, error)
	cp = func(v runtime.Value, depth int, seen map[*runtime.Table]bool) (Plain, error) {
		size += plainItem
		if size > max {
			return Plain{}, fmt.Errorf("the message is larger than %d bytes", max)
		}
		switch v.Type() {
		case runtime.TNil:
			return Plain{}, nil
		case runtime.TBoolean:
			b := v.Truthy()
			return Plain{B: &b}, nil
		case runtime.TNumber:
			n := v.Num()
			if math.IsInf(n, 0) || math.IsNaN(n) {
				return Plain{}, fmt.Errorf("cannot send %v", n)
			}
			return Plain{N: &n}, nil
		case runtime.TString:
			s, _ := v.Str()
			if size += len(s); size > max {
				return Plain{}, fmt.Errorf("the message is larger than %d bytes", max)
			}
			return Plain{S: &s}, nil
		case runtime.TTable:
			t := v.Table()
			if seen[t] || depth > maxPlainDepth {
				return Plain{}, fmt.Errorf("cannot send a table with cycles or nested deeper than %d", maxPlainDepth)
			}
			if t.Meta() != nil {
				return Plain{}, fmt.Errorf("cannot send a table with a metatable")
			}
			seen[t] = true
			defer delete(seen, t)
			p := Plain{IsTable: true}
			for k, val, _ := t.Next(runtime.Nil); !k.IsNil(); k, val, _ = t.Next(k) {
				pk, err := cp(k, depth+1, seen)
				if err != nil {
					return Plain{}, err
				}
				pv, err := cp(val, depth+1, seen)
				if err != nil {
					return Plain{}, err
				}
				p.T = append(p.T, [2]Plain{pk, pv})
			}
			return p, nil
		}
		return Plain{}, fmt.Errorf("cannot send a %s", v.TypeName())
	}
	return cp(v, 0, map[*runtime.Table]bool{})
}

// size is what p counts for in a mailbox (as copyValue counts it).
func (p Plain) size() int {
	n := plainItem
	if p.S != nil {
		n += len(*p.S)
	}
	for _, kv := range p.T {
		n += kv[0].size() + kv[1].size()
	}
	return n
}

// Value rebuilds the Lua value for process pr (its tables are pr's).
func (p Plain) Value(pr *runtime.Process) runtime.Value {
	switch {
	case p.S != nil:
		return runtime.String(*p.S)
	case p.N != nil:
		return runtime.Number(*p.N)
	case p.B != nil:
		return runtime.Bool(*p.B)
	case p.IsTable || p.T != nil:
		t := runtime.NewTable(0, len(p.T))
		for _, kv := range p.T {
			t.Set(kv[0].Value(pr), kv[1].Value(pr))
		}
		t.Own(pr)
		return runtime.TableValue(t)
	}
	return runtime.Nil
}

// String renders a message value for a user.
func (p Plain) String() string {
	switch {
	case p.S != nil:
		return *p.S
	case p.N != nil:
		return runtime.FormatNumber(*p.N)
	case p.B != nil:
		return fmt.Sprint(*p.B)
	case p.IsTable || p.T != nil:
		b, _ := json.Marshal(p)
		return string(b)
	}
	return "nil"
}
