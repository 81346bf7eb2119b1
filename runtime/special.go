package runtime

import "github.com/mobilua/mobilua/ir"

// The interpreter's specialized instructions (never in an ir.Proto): an
// arithmetic or comparison whose operands are two registers (RR), a
// register and a number constant (RN, its C the constant's index, not
// its complement), or a number constant and a register (NR, its B the
// constant's index: 1 / x, and x > 0, which is 0 < x), or EQ of a
// register and a string constant (RS, as RN: no metamethod takes part, so
// it has no slow path). They decide at load time what rk decides at every
// step; the slow paths are the generic instruction's, with its ir.Op.
const (
	opAddRR = opTrap + 1 + iota
	opAddRN
	opSubRR
	opSubRN
	opMulRR
	opMulRN
	opDivRR
	opDivRN
	opModRR
	opModRN
	opLtRR
	opLtRN
	opLeRR
	opLeRN
	opEqRN
	opEqRS
	opAddNR
	opSubNR
	opMulNR
	opDivNR
	opLtNR
	opLeNR
	// GETTABLE and SETTABLE of a string constant's field (its C, and
	// SETTABLE's B, the constant's index): the inline cache's hit
	// without the key's tests
	opGetFieldS
	opSetFieldS
)

// specialOps maps an ir.Op to its RR, RN and NR instructions (0: none).
var specialOps = [ir.NumOps][3]ir.Op{
	ir.ADD: {opAddRR, opAddRN, opAddNR},
	ir.SUB: {opSubRR, opSubRN, opSubNR},
	ir.MUL: {opMulRR, opMulRN, opMulNR},
	ir.DIV: {opDivRR, opDivRN, opDivNR},
	ir.MOD: {opModRR, opModRN},
	ir.LT:  {opLtRR, opLtRN, opLtNR},
	ir.LE:  {opLeRR, opLeRN, opLeNR},
	ir.EQ:  {0, opEqRN},
}

// specialize packs in for the interpreter, as one of the specialized
// instructions when it is one.
func specialize(in ir.Instr, k []ir.Const) inst {
	switch {
	case in.Op == ir.EQ && in.B < 0 && in.C >= 0:
		in.B, in.C = in.C, in.B // ("10" == a: no metamethod sees the order)
	case in.Op == ir.GETTABLE && in.C < 0 && k[^in.C].Kind == ir.KString:
		in.Op, in.C = opGetFieldS, ^in.C
		return pack(in)
	case in.Op == ir.SETTABLE && in.B < 0 && k[^in.B].Kind == ir.KString:
		in.Op, in.B = opSetFieldS, ^in.B
		return pack(in)
	}
	if in.Op >= ir.NumOps {
		return pack(in)
	}
	ops := specialOps[in.Op]
	if in.B < 0 {
		if in.C >= 0 && ops[2] != 0 && k[^in.B].Kind == ir.KNumber {
			in.Op, in.B = ops[2], ^in.B
		}
		return pack(in)
	}
	switch {
	case in.Op == ir.EQ && in.C < 0 && k[^in.C].Kind == ir.KString:
		in.Op, in.C = opEqRS, ^in.C
	case in.C >= 0 && ops[0] != 0:
		in.Op = ops[0]
	case in.C < 0 && ops[1] != 0 && k[^in.C].Kind == ir.KNumber:
		in.Op, in.C = ops[1], ^in.C
	}
	return pack(in)
}

// arithNR is the arithmetic of an NR instruction on numbers.
func arithNR(op ir.Op, b, c float64) float64 {
	switch op {
	case opAddNR:
		return b + c
	case opSubNR:
		return b - c
	case opMulNR:
		return b * c
	}
	return b / c
}
