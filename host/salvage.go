package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// CheckStore checks the pages of the store at path (checkPages), reads
// every record, continuation and message (opened read-only) and reports
// what it found to w; the error says where the file is damaged.
func CheckStore(path string, w io.Writer) error {
	foldJournal(path) // (a store too damaged to open is taken as it is)
	s, err := openBolt(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.checkPages(); err != nil {
		return err
	}
	var procs, conts, mail int
	err = s.view(func(tx *bolt.Tx) error {
		if err := requireBuckets(tx); err != nil {
			return err
		}
		if err := tx.Bucket(bProcs).ForEach(func(k, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("record %s: %w", k, err)
			}
			procs++
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Bucket(bConts).ForEach(func(k, v []byte) error { conts++; return nil }); err != nil {
			return err
		}
		return tx.Bucket(bMail).ForEach(func(k, _ []byte) error {
			b := tx.Bucket(bMail).Bucket(k)
			if b == nil {
				return fmt.Errorf("mail of %s is not a bucket", k)
			}
			return b.ForEach(func(_, v []byte) error {
				var m Message
				if err := json.Unmarshal(v, &m); err != nil {
					return fmt.Errorf("a message for %s: %w", k, err)
				}
				mail++
				return nil
			})
		})
	})
	if err != nil {
		if errors.Is(err, ErrDamaged) {
			return err
		}
		return &DamagedError{path, err}
	}
	fmt.Fprintf(w, "store %s is sound: %d processes, %d continuations, %d messages\n", path, procs, conts, mail)
	return nil
}

// Salvage copies every process of the damaged store at path that can
// still be read (record, continuation, mail) into a new store at out,
// with the next PID and the migrations, and reports what it could not
// read to w.
func Salvage(path, out string, w io.Writer) error {
	foldJournal(path) // (a store too damaged to open is taken as it is)
	s, err := openBolt(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	dst, err := OpenStore(out)
	if err != nil {
		return err
	}
	defer dst.Close()
	return salvage(s, dst, w)
}

// salvage copies what it can read of s, opened read-only, and of the
// journal beside it into dst (Salvage).
func salvage(s, dst *Store, w io.Writer) error {
	var pids []string
	s.view(func(tx *bolt.Tx) error { // as far as the cursor gets
		if b := tx.Bucket(bProcs); b != nil {
			b.ForEach(func(k, _ []byte) error { pids = append(pids, string(k)); return nil })
		}
		return nil
	})
	// the journal's changes (foldJournal could not take them in): its
	// arrivals are processes too
	es := salvageJournal(s, w)
	for _, e := range es {
		if hasRecord(e.kind) && !slices.Contains(pids, e.pid) {
			pids = append(pids, e.pid)
		}
	}
	saved, lost := 0, 0
	for _, pid := range pids {
		r, cont, err := s.getThrough(es, pid)
		var mail, more []Message
		if err == nil {
			mail, err = s.Mail(pid, r.MailSeq)
		}
		if err == nil {
			more, err = journalMail(es, pid, r.MailSeq)
			mail = append(mail, more...)
		}
		if err == nil {
			err = dst.restoreProc(r, cont, mail)
		}
		if err != nil {
			fmt.Fprintf(w, "%s: lost: %v\n", pid, err)
			lost++
			continue
		}
		saved++
	}
	// PIDs are never given out twice: the next one is past every one seen
	next := 1
	for _, pid := range pids {
		var n int
		if _, err := fmt.Sscanf(pid, "p%d", &n); err == nil && n >= next {
			next = n + 1
		}
	}
	migrations := map[string]string{} // as far as the cursor gets
	s.view(func(tx *bolt.Tx) error {
		var n int
		if b := tx.Bucket(bMeta); b != nil {
			if _, err := fmt.Sscanf(string(b.Get([]byte("nextpid"))), "%d", &n); err == nil && n > next {
				next = n
			}
		}
		if b := tx.Bucket(bMigr); b != nil {
			b.ForEach(func(k, v []byte) error { migrations[string(k)] = string(v); return nil })
		}
		return nil
	})
	for _, e := range es {
		if e.kind == entryArrival {
			migrations[e.key] = e.pid
		}
	}
	next = pastPIDs(es, next) // (PIDs given out too)
	if err := dst.update(func(tx *bolt.Tx) error {
		for k, v := range migrations {
			if err := tx.Bucket(bMigr).Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put([]byte("nextpid"), []byte(fmt.Sprint(next)))
	}); err != nil {
		return err
	}
	fmt.Fprintf(w, "salvaged %d processes of %d into %s (%d lost)\n", saved, saved+lost, dst.path, lost)
	return nil
}

// salvageJournal reads the entries of the journal beside the store s
// (none if it has none), and says so to w if it cannot.
func salvageJournal(s *Store, w io.Writer) []journalEntry {
	f, err := os.Open(s.path + "-journal")
	if err != nil {
		return nil // none
	}
	defer f.Close()
	var gen uint64
	if err := s.view(func(tx *bolt.Tx) (err error) {
		gen, err = journalGen(tx.Bucket(bMeta))
		return err
	}); err != nil {
		fmt.Fprintf(w, "the journal: not read (its generation: %v)\n", err)
		return nil
	}
	es, err := journalEntries(f, gen)
	if err != nil {
		fmt.Fprintf(w, "the journal: %v\n", err)
	}
	return es
}

// restoreProc writes a process salvaged from another store.
func (s *Store) restoreProc(r *Record, cont []byte, mail []Message) error {
	rc := *r
	rc.MailSeq = 0 // the messages are numbered anew
	if err := s.Put(&rc, cont, cont == nil); err != nil {
		return err
	}
	for _, m := range mail {
		if _, err := s.AddMail(r.PID, m); err != nil {
			return err
		}
	}
	return nil
}

func requireBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bMeta, bProcs, bConts, bMail, bMigr} {
		if tx.Bucket(b) == nil {
			return fmt.Errorf("no bucket %s", b)
		}
	}
	return nil
}
