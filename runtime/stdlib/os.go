package stdlib

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	rt "github.com/mobilua/mobilua/runtime"
)

var startTime = time.Now()

func openOS(p *rt.Process) {
	fns := []*rt.GoFunction{
		rt.NewGoFunction("time", osTime),
		rt.NewGoFunction("clock", func(t *rt.Thread, a []rt.Value) int {
			return num(t, cpuSeconds())
		}),
		rt.NewGoFunction("date", osDate),
		rt.NewGoFunction("difftime", func(t *rt.Thread, a []rt.Value) int {
			return num(t, t.CheckNumber(a, 0)-float64(t.OptInt(a, 1, 0)))
		}),
		rt.NewGoFunction("setlocale", osSetlocale),
		rt.NewGoFunction("getenv", func(t *rt.Thread, a []rt.Value) int {
			v, ok := os.LookupEnv(t.CheckString(a, 0))
			if !ok || t.Process().Sandboxed {
				t.Push(rt.Nil)
				return 1
			}
			t.Push(rt.String(v))
			return 1
		}),
	}
	if !p.Sandboxed {
		fns = append(fns,
			rt.NewGoFunction("exit", func(t *rt.Thread, a []rt.Value) int {
				code := t.OptInt(a, 0, 0)
				t.Process().Out().Flush()
				os.Exit(code)
				return 0
			}),
			rt.NewGoFunction("remove", func(t *rt.Thread, a []rt.Value) int {
				name := t.CheckString(a, 0)
				return fileResult(t, os.Remove(name), name)
			}),
			rt.NewGoFunction("rename", func(t *rt.Thread, a []rt.Value) int {
				from, to := t.CheckString(a, 0), t.CheckString(a, 1)
				return fileResult(t, os.Rename(from, to), from)
			}),
			rt.NewGoFunction("tmpname", func(t *rt.Thread, a []rt.Value) int {
				f, err := os.CreateTemp("", "lua_")
				if err != nil {
					t.Error("unable to generate a unique filename")
				}
				f.Close()
				t.Push(rt.String(f.Name()))
				return 1
			}),
			rt.NewGoFunction("execute", func(t *rt.Thread, a []rt.Value) int {
				if len(a) == 0 {
					return num(t, 1)
				}
				t.Process().Out().Flush()
				cmd := exec.Command("/bin/sh", "-c", t.CheckString(a, 0))
				cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, os.Stdin
				err := cmd.Run()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode() * 256
				} else if err != nil {
					code = 127 * 256
				}
				return num(t, float64(code))
			}),
		)
	}
	p.Register("os", fns...)
}

func fileResult(t *rt.Thread, err error, name string) int {
	if err == nil {
		t.Push(rt.True)
		return 1
	}
	t.Push(rt.Nil)
	t.Push(rt.String(name + ": " + rt.SysError(err)))
	t.Push(rt.Number(2))
	return 3
}

func osTime(t *rt.Thread, a []rt.Value) int {
	if len(a) == 0 || a[0].IsNil() {
		return num(t, float64(time.Now().Unix()))
	}
	tt := t.CheckTable(a, 0)
	field := func(k string, def int) int {
		v := tt.GetStr(k)
		if v.IsNil() {
			if def < 0 {
				t.Error("field '%s' missing in date table", k)
			}
			return def
		}
		f, ok := rt.ToNumber(v)
		if !ok {
			t.Error("field '%s' missing in date table", k)
		}
		return int(f)
	}
	// read in lua5.1's order, so the same missing field is reported
	sec, min, hour := field("sec", 0), field("min", 0), field("hour", 12)
	day, month, year := field("day", -1), field("month", -1), field("year", -1)
	d := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.Local)
	return num(t, float64(d.Unix()))
}

func osDate(t *rt.Thread, a []rt.Value) int {
	format := "%c"
	if len(a) > 0 && !a[0].IsNil() {
		format = t.CheckString(a, 0)
	}
	tm := time.Now()
	if len(a) > 1 && !a[1].IsNil() {
		tm = time.Unix(int64(t.CheckNumber(a, 1)), 0)
	}
	if strings.HasPrefix(format, "!") {
		format = format[1:]
		tm = tm.In(gmt)
	} else {
		tm = tm.Local()
	}
	if strings.HasPrefix(format, "*t") {
		r := rt.NewTable(0, 9)
		set := func(k string, v int) { r.SetStr(k, rt.Number(float64(v))) }
		set("year", tm.Year())
		set("month", int(tm.Month()))
		set("day", tm.Day())
		set("hour", tm.Hour())
		set("min", tm.Minute())
		set("sec", tm.Second())
		set("wday", int(tm.Weekday())+1)
		set("yday", tm.YearDay())
		r.SetStr("isdst", rt.Bool(tm.IsDST()))
		t.Push(rt.TableValue(r))
		return 1
	}
	t.ChargeMemory(32*len(format) + rt.SizeString) // %c is 24 bytes
	t.Push(rt.String(strftime(format, tm)))
	return 1
}

var wdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// gmt is the zone of os.date("!..."): glibc's gmtime names it GMT (%Z).
var gmt = time.FixedZone("GMT", 0)

func strftime(f string, tm time.Time) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 >= len(f) {
			b.WriteByte(c)
			continue
		}
		i++
		switch f[i] {
		case 'a':
			b.WriteString(wdays[tm.Weekday()][:3])
		case 'A':
			b.WriteString(wdays[tm.Weekday()])
		case 'b', 'h':
			b.WriteString(months[tm.Month()-1][:3])
		case 'B':
			b.WriteString(months[tm.Month()-1])
		case 'c':
			b.WriteString(strftime("%a %b %e %H:%M:%S %Y", tm))
		case 'd':
			fmt.Fprintf(&b, "%02d", tm.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", tm.Day())
		case 'D':
			b.WriteString(strftime("%m/%d/%y", tm))
		case 'F':
			b.WriteString(strftime("%Y-%m-%d", tm))
		case 'H':
			fmt.Fprintf(&b, "%02d", tm.Hour())
		case 'I':
			h := tm.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'j':
			fmt.Fprintf(&b, "%03d", tm.YearDay())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(tm.Month()))
		case 'M':
			fmt.Fprintf(&b, "%02d", tm.Minute())
		case 'n':
			b.WriteByte('\n')
		case 'p':
			if tm.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'S':
			fmt.Fprintf(&b, "%02d", tm.Second())
		case 't':
			b.WriteByte('\t')
		case 'T':
			b.WriteString(strftime("%H:%M:%S", tm))
		case 'x':
			b.WriteString(strftime("%m/%d/%y", tm))
		case 'X':
			b.WriteString(strftime("%H:%M:%S", tm))
		case 'y':
			fmt.Fprintf(&b, "%02d", tm.Year()%100)
		case 'Y':
			fmt.Fprintf(&b, "%d", tm.Year())
		case 'w':
			fmt.Fprintf(&b, "%d", int(tm.Weekday()))
		case 'Z':
			z, _ := tm.Zone()
			b.WriteString(z)
		case 'C':
			fmt.Fprintf(&b, "%02d", tm.Year()/100)
		case 'u':
			fmt.Fprintf(&b, "%d", (int(tm.Weekday())+6)%7+1)
		case 'r':
			b.WriteString(strftime("%I:%M:%S %p", tm))
		case 'R':
			b.WriteString(strftime("%H:%M", tm))
		case 's':
			fmt.Fprintf(&b, "%d", tm.Unix())
		case 'k':
			fmt.Fprintf(&b, "%2d", tm.Hour())
		case 'l':
			h := tm.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%2d", h)
		case 'U': // week of the year, Sunday first
			fmt.Fprintf(&b, "%02d", (tm.YearDay()+6-int(tm.Weekday()))/7)
		case 'W': // week of the year, Monday first
			fmt.Fprintf(&b, "%02d", (tm.YearDay()+6-(int(tm.Weekday())+6)%7)/7)
		case 'V':
			_, w := tm.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case 'G':
			y, _ := tm.ISOWeek()
			fmt.Fprintf(&b, "%d", y)
		case 'g':
			y, _ := tm.ISOWeek()
			fmt.Fprintf(&b, "%02d", y%100)
		case 'z':
			b.WriteString(tm.Format("-0700"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

// osSetlocale is lua5.1's os.setlocale over runtime.Locale: the locales
// that behave as "C" (runtime.Locale), by category; "" is the
// environment's (LC_ALL, LC_<CATEGORY>, LANG), "C" in the sandbox.
func osSetlocale(t *rt.Thread, a []rt.Value) int {
	slot := t.CheckOption(a, 1, "all", append([]string{"all"}, rt.LocaleCategories[:]...)...) - 1 // (-1: all)
	p := t.Process()
	if len(a) == 0 || a[0].IsNil() {
		t.Push(rt.String(p.Locale.Get(slot)))
		return 1
	}
	if !p.Locale.Set(slot, t.CheckString(a, 0), func(i int) string { return envLocale(p, i) }) {
		t.Push(rt.Nil)
		return 1
	}
	t.Push(rt.String(p.Locale.Get(slot)))
	return 1
}

// envLocale is the environment's locale for category slot, as the C
// library's setlocale(cat, "") finds it.
func envLocale(p *rt.Process, slot int) string {
	if p.Sandboxed {
		return "C"
	}
	for _, v := range []string{"LC_ALL", rt.LocaleVars[slot], "LANG"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return "C"
}
