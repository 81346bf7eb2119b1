package runtime

import (
	"fmt"
	"strings"
)

// Locale is what os.setlocale set, by category (LocaleCategories' order;
// the last stands for the C library's categories Lua cannot name one by
// one: messages, paper, name, address, telephone, measurement,
// identification). "" is "C". The locales this Mobilua has are those
// that behave as "C" (KnownLocale), so a name is all a category holds; a
// continuation keeps them.
type Locale [6]string

// LocaleCategories are os.setlocale's category names, in Locale's order.
var LocaleCategories = [...]string{"ctype", "numeric", "time", "collate", "monetary"}

// localeNames are the C library's names of the twelve categories, in the
// order of its composite name, and each one's place in a Locale.
var localeNames = [...]struct {
	name string
	slot int
}{{"LC_CTYPE", 0}, {"LC_NUMERIC", 1}, {"LC_TIME", 2}, {"LC_COLLATE", 3}, {"LC_MONETARY", 4},
	{"LC_MESSAGES", 5}, {"LC_PAPER", 5}, {"LC_NAME", 5}, {"LC_ADDRESS", 5}, {"LC_TELEPHONE", 5},
	{"LC_MEASUREMENT", 5}, {"LC_IDENTIFICATION", 5}}

// KnownLocale reports whether name is a locale this Mobilua has, as the
// C library names it after setting it ("POSIX" is "C"), or "".
func KnownLocale(name string) (string, bool) {
	switch name {
	case "C", "POSIX":
		return "C", true
	case "C.UTF-8", "C.utf8":
		return name, true
	}
	return "", false
}

// Get is the locale of category slot (-1: all of them: one name, or the
// C library's composite one when they differ).
func (l *Locale) Get(slot int) string {
	if slot >= 0 {
		return l.name(slot)
	}
	same := true
	for i := range l {
		same = same && l.name(i) == l.name(0)
	}
	if same {
		return l.name(0)
	}
	parts := make([]string, len(localeNames))
	for i, c := range localeNames {
		parts[i] = c.name + "=" + l.name(c.slot)
	}
	return strings.Join(parts, ";")
}

func (l *Locale) name(slot int) string {
	if l[slot] == "" {
		return "C"
	}
	return l[slot]
}

// Set sets category slot (-1: all) to the locale named name, a composite
// name for all, and reports whether it could (otherwise nothing changes).
// env finds a category's locale for the name "" (the environment's).
func (l *Locale) Set(slot int, name string, env func(slot int) string) bool {
	next := *l
	for i := range next {
		if slot >= 0 && i != slot {
			continue
		}
		n := name
		if n == "" {
			n = env(i)
		}
		if slot < 0 && strings.Contains(n, "=") {
			return l.setComposite(n)
		}
		known, ok := KnownLocale(n)
		if !ok {
			return false
		}
		next[i] = known
	}
	*l = next
	return true
}

// setComposite sets every category from the C library's composite name.
func (l *Locale) setComposite(name string) bool {
	var next Locale
	seen := 0
	for _, part := range strings.Split(name, ";") {
		cat, n, _ := strings.Cut(part, "=")
		known, ok := KnownLocale(n)
		i := -1
		for j, c := range localeNames {
			if c.name == cat {
				i = j
			}
		}
		if !ok || i < 0 {
			return false
		}
		slot := localeNames[i].slot
		if next[slot] != "" && next[slot] != known { // (the ones Lua cannot tell apart differ)
			return false
		}
		next[slot] = known
		seen++
	}
	if seen != len(localeNames) {
		return false
	}
	*l = next
	return true
}

// check checks a locale read from a continuation.
func (l *Locale) check() error {
	for _, n := range l {
		if k, ok := KnownLocale(n); n != "" && (!ok || k != n) {
			return fmt.Errorf("unknown locale %q", n)
		}
	}
	return nil
}
