package host

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// checkPages walks the pages of the bbolt file f that its current meta
// page reaches (the trees of the buckets, and the freelist) and says what
// is wrong with the first page whose header cannot be one bbolt wrote:
// another page's number, an unexpected kind, a span past the file's
// high-water mark, elements outside the page, a page reached twice.
// bbolt trusts those headers: a commit frees a page's whole span one page
// at a time (a flipped overflow count of 2^31 was a loop of billions, with
// a map entry each, in the host starting on the store), and a count past
// the page reads past its map, and one of the freelist is an allocation
// of that many ids. A store is checked before bbolt opens it to write
// (checkBeforeWriting).
//
// It reads the headers and the element arrays, and the values of bucket
// elements, not the stored values; the layout is bbolt 1.4's (page.go,
// meta.go in go.etcd.io/bbolt/internal/common).
func checkPages(f *os.File) error {
	m, err := currentMeta(f)
	if err != nil {
		return err
	}
	c := &pageWalk{f: f, pageSize: int64(m.pageSize), hwm: m.hwm, seen: map[uint64]bool{}}
	if err := c.tree(m.root, 0); err != nil {
		return err
	}
	if m.freelist != noFreelist {
		return c.freelist(m.freelist)
	}
	return nil
}

// bbolt's constants (go.etcd.io/bbolt/internal/common).
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeader      = 16 // id u64, flags u16, count u16, overflow u32
	elementSize     = 16 // a branch's (pos, ksize, pgid) or a leaf's (flags, pos, ksize, vsize)
	branchPage      = 0x01
	leafPage        = 0x02
	freelistPage    = 0x10
	treePage        = branchPage | leafPage // (page's want: either)
	bucketElement   = 0x01
	noFreelist      = 0xffffffffffffffff
	maxTreeDepth    = 64
	bucketValueSize = 16 // root u64, sequence u64; an inline bucket's page follows
)

type boltMeta struct {
	pageSize            uint32
	root, freelist, hwm uint64
	txid                uint64
}

// currentMeta is the meta page bbolt uses: the one with the larger
// transaction number of the two that are sound.
func currentMeta(f *os.File) (boltMeta, error) {
	m0, err0 := readMeta(f, 0)
	size := int64(4096)
	if err0 == nil {
		size = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, size)
	switch {
	case err0 == nil && (err1 != nil || m0.txid >= m1.txid):
		return m0, nil
	case err1 == nil:
		return m1, nil
	}
	return boltMeta{}, fmt.Errorf("no sound meta page (%v; %v)", err0, err1)
}

func readMeta(f *os.File, off int64) (boltMeta, error) {
	b := make([]byte, pageHeader+64)
	if _, err := f.ReadAt(b, off); err != nil {
		return boltMeta{}, err
	}
	le := binary.LittleEndian
	h := fnv.New64a()
	h.Write(b[pageHeader : pageHeader+56])
	m := boltMeta{pageSize: le.Uint32(b[24:]), root: le.Uint64(b[32:]), freelist: le.Uint64(b[48:]), hwm: le.Uint64(b[56:]), txid: le.Uint64(b[64:])}
	switch {
	case le.Uint32(b[16:]) != boltMagic || le.Uint32(b[20:]) != boltVersion:
		return m, errors.New("not a bbolt meta page")
	case h.Sum64() != le.Uint64(b[72:]):
		return m, errors.New("meta page checksum")
	case m.pageSize < 1024 || m.pageSize > 1<<16 || m.pageSize&(m.pageSize-1) != 0:
		return m, fmt.Errorf("page size %d", m.pageSize)
	}
	return m, nil
}

type pageWalk struct {
	f        *os.File
	pageSize int64
	hwm      uint64
	seen     map[uint64]bool
}

// page reads the header of page id, checks that it is of kind (a tree's
// page: treePage) and fits below the high-water mark, and returns its
// kind, count and span in bytes.
func (c *pageWalk) page(id uint64, want uint16) (kind uint16, count int, span int64, err error) {
	if id < 2 || id >= c.hwm || c.seen[id] {
		return 0, 0, 0, fmt.Errorf("page %d: out of bounds or reached twice (high-water mark %d)", id, c.hwm)
	}
	c.seen[id] = true
	b, err := c.read(int64(id)*c.pageSize, pageHeader)
	if err != nil {
		return 0, 0, 0, err
	}
	le := binary.LittleEndian
	kind, overflow := le.Uint16(b[8:]), uint64(le.Uint32(b[12:]))
	switch {
	case le.Uint64(b) != id:
		return 0, 0, 0, fmt.Errorf("page %d: header says page %d", id, le.Uint64(b))
	case kind != want && !(want == treePage && (kind == branchPage || kind == leafPage)):
		return 0, 0, 0, fmt.Errorf("page %d: kind %#x, want %#x", id, kind, want)
	case id+overflow >= c.hwm:
		return 0, 0, 0, fmt.Errorf("page %d: %d overflow pages pass the high-water mark %d", id, overflow, c.hwm)
	}
	return kind, int(le.Uint16(b[10:])), int64(overflow+1) * c.pageSize, nil
}

func (c *pageWalk) read(off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := c.f.ReadAt(b, off); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("offset %d: past the end of the file", off)
		}
		return nil, err
	}
	return b, nil
}

// tree checks the B+tree of a bucket from its root page id.
func (c *pageWalk) tree(id uint64, depth int) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("page %d: deeper than %d", id, maxTreeDepth)
	}
	kind, count, span, err := c.page(id, treePage)
	if err != nil {
		return err
	}
	if pageHeader+int64(count)*elementSize > span {
		return fmt.Errorf("page %d: %d elements do not fit in %d bytes", id, count, span)
	}
	elems, err := c.read(int64(id)*c.pageSize+pageHeader, count*elementSize)
	if err != nil {
		return err
	}
	if kind == branchPage {
		return c.branch(id, elems, span, depth)
	}
	return c.leaf(id, int64(id)*c.pageSize, elems, span, depth)
}

func (c *pageWalk) branch(id uint64, elems []byte, span int64, depth int) error {
	le := binary.LittleEndian
	for i := 0; i < len(elems); i += elementSize {
		pos, ksize := int64(le.Uint32(elems[i:])), int64(le.Uint32(elems[i+4:]))
		if pageHeader+int64(i)+pos+ksize > span {
			return fmt.Errorf("page %d: element %d's key lies outside the page", id, i/elementSize)
		}
		if err := c.tree(le.Uint64(elems[i+8:]), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// leaf checks the elements of a leaf page at off (in the file, or in an
// inline bucket's value) and the buckets they hold.
func (c *pageWalk) leaf(id uint64, off int64, elems []byte, span int64, depth int) error {
	le := binary.LittleEndian
	for i := 0; i < len(elems); i += elementSize {
		flags, pos := le.Uint32(elems[i:]), int64(le.Uint32(elems[i+4:]))
		ksize, vsize := int64(le.Uint32(elems[i+8:])), int64(le.Uint32(elems[i+12:]))
		at := pageHeader + int64(i) + pos
		if at+ksize+vsize > span {
			return fmt.Errorf("page %d: element %d lies outside the page", id, i/elementSize)
		}
		if flags&bucketElement == 0 {
			continue
		}
		if off < 0 || vsize < bucketValueSize {
			return fmt.Errorf("page %d: element %d is not a bucket that can be", id, i/elementSize)
		}
		v, err := c.read(off+at+ksize, int(vsize))
		if err != nil {
			return err
		}
		if root := le.Uint64(v); root != 0 {
			if err := c.tree(root, depth+1); err != nil {
				return err
			}
		} else if err := c.inline(id, v[bucketValueSize:]); err != nil {
			return err
		}
	}
	return nil
}

// inline checks an inline bucket's page: a leaf within the value, which
// holds no buckets.
func (c *pageWalk) inline(id uint64, p []byte) error {
	if len(p) < pageHeader || binary.LittleEndian.Uint16(p[8:]) != leafPage {
		return fmt.Errorf("page %d: an inline bucket that is not a leaf", id)
	}
	count := int(binary.LittleEndian.Uint16(p[10:]))
	if pageHeader+count*elementSize > len(p) {
		return fmt.Errorf("page %d: an inline bucket's %d elements do not fit", id, count)
	}
	return c.leaf(id, -1, p[pageHeader:pageHeader+count*elementSize], int64(len(p)), maxTreeDepth)
}

// freelist checks the freelist page: its ids fit in it and name pages
// below the high-water mark.
func (c *pageWalk) freelist(id uint64) error {
	_, count, span, err := c.page(id, freelistPage)
	if err != nil {
		return err
	}
	off, head, n := int64(id)*c.pageSize, int64(pageHeader), int64(count)
	if count == 0xffff { // the count is the first id's place
		b, err := c.read(off+head, 8)
		if err != nil {
			return err
		}
		n, head = int64(binary.LittleEndian.Uint64(b)), head+8
	}
	if n < 0 || n > (span-head)/8 {
		return fmt.Errorf("freelist page %d: %d ids do not fit", id, n)
	}
	ids, err := c.read(off+head, int(8*n))
	if err != nil {
		return err
	}
	for i := 0; i < len(ids); i += 8 {
		if p := binary.LittleEndian.Uint64(ids[i:]); p < 2 || p >= c.hwm {
			return fmt.Errorf("freelist page %d: free page %d is out of bounds", id, p)
		}
	}
	return nil
}
