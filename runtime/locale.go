package runtime

import (
	"fmt"
	"slices"
	"strings"
)

// Locale is what os.setlocale set, by category of the C library, in the
// order of its composite name (LocaleVars); Lua names the first five one
// by one (LocaleCategories), the others only with "all". "" is "C" (its
// only spelling: the zero Locale is all "C"). The locales this Mobilua has
// are those that behave as "C" (knownLocale), so a name is all a category
// holds; a continuation keeps them.
type Locale [12]string

// LocaleVars are the C library's names of the categories, in Locale's
// order (the environment's variables for them, and the parts of a
// composite name).
var LocaleVars = [len(Locale{})]string{"LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY",
	"LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"}

// LocaleCategories are os.setlocale's category names, in Locale's order.
var LocaleCategories = [...]string{"ctype", "numeric", "time", "collate", "monetary"}

// knownLocale reports whether name is a locale this Mobilua has, and how
// a Locale holds it: as the C library names it after setting it, "" for
// "C" (and "POSIX", which it calls "C").
func knownLocale(name string) (string, bool) {
	switch name {
	case "C", "POSIX":
		return "", true
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
		same = same && l[i] == l[0]
	}
	if same {
		return l.name(0)
	}
	parts := make([]string, len(l))
	for i := range l {
		parts[i] = LocaleVars[i] + "=" + l.name(i)
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
		known, ok := knownLocale(n)
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
	var set [len(Locale{})]bool
	for _, part := range strings.Split(name, ";") {
		cat, n, _ := strings.Cut(part, "=")
		known, ok := knownLocale(n)
		i := slices.Index(LocaleVars[:], cat)
		if !ok || i < 0 || set[i] {
			return false
		}
		next[i], set[i] = known, true
	}
	if slices.Contains(set[:], false) {
		return false
	}
	*l = next
	return true
}

// ReadLocale makes a Locale of the names a continuation keeps: one per
// category, or (as written before each had its own) six, the last for the
// seven categories after the fifth.
func ReadLocale(names []string) (Locale, error) {
	var l Locale
	switch len(names) {
	case len(l):
		copy(l[:], names)
	case 6:
		copy(l[:], names)
		for i := 6; i < len(l); i++ {
			l[i] = names[5]
		}
	default:
		return l, fmt.Errorf("a locale of %d names", len(names))
	}
	return l, l.check()
}

// check checks a locale read from a continuation.
func (l *Locale) check() error {
	for _, n := range l {
		if k, ok := knownLocale(n); n != "" && (!ok || k != n) {
			return fmt.Errorf("unknown locale %q", n)
		}
	}
	return nil
}
