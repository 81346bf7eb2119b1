package transpile

import "github.com/mobilua/mobilua/transpile/ast"

// parseChunk parses source into the main chunk's statements, with
// lua5.1's errors, for the tests that look at the tree (Compile lowers
// each statement as it is read instead).
func parseChunk(src []byte, source string, file bool) ([]ast.Stmt, error) {
	var stmts []ast.Stmt
	if err := parse(src, source, file, func(s ast.Stmt) { stmts = append(stmts, s) }); err != nil {
		return nil, err
	}
	return stmts, nil
}
