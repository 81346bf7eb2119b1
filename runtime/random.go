package runtime

// RandomState is math.random's generator, plain data: the C library's
// random() as glibc computes it (its TYPE_3 additive feedback generator:
// 31 words, a front position three words ahead of the rear), which is
// what lua5.1's rand() is on Debian, so that a script's random numbers,
// seeded or not, are lua5.1's.
type RandomState struct {
	Words [31]uint32
	Front uint8 // the front position (the rear is three words behind)
}

// Seed is srandom(seed): the words from a linear congruential sequence,
// then 310 numbers thrown away.
func (r *RandomState) Seed(seed uint32) {
	if seed == 0 {
		seed = 1
	}
	r.Words[0] = seed
	word := int32(seed)
	for i := 1; i < len(r.Words); i++ {
		hi, lo := int64(word)/127773, int64(word)%127773
		w := 16807*lo - 2836*hi
		if w < 0 {
			w += 2147483647
		}
		word = int32(w)
		r.Words[i] = uint32(word)
	}
	r.Front = 3
	for range 310 {
		r.Next()
	}
}

// Next is random(): a number in [0, 2^31).
func (r *RandomState) Next() uint32 {
	f := int(r.Front)
	b := f - 3
	if b < 0 {
		b += len(r.Words)
	}
	r.Words[f] += r.Words[b]
	v := r.Words[f] >> 1
	if f++; f == len(r.Words) {
		f = 0
	}
	r.Front = uint8(f)
	return v
}

// Valid reports whether r is a state the generator can be in (a thawed
// one is checked).
func (r *RandomState) Valid() bool { return int(r.Front) < len(r.Words) }

// NewRandomState is the state before any seed: srandom(1)'s, as glibc's.
func NewRandomState() RandomState {
	var r RandomState
	r.Seed(1)
	return r
}
