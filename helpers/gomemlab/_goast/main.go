// Command goast prints the top-level declarations of Go files as JSON, read by Go's own
// go/parser: for each file its package, its declarations (func, method, type, var, const)
// with their line spans, and every function literal's span. gomemlab's gosource.py builds
// it once into the scratch cache and runs it with file paths as arguments.
//
// A file that does not parse is reported with its errors (file:line:col) and whatever
// declarations the parser could still recover; the exit status stays 0, so that one broken
// file does not hide the others. Lines and columns are 1-based; columns count bytes, as the
// compiler's messages do.
package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"strings"
)

// Span is a range of source positions.
type Span struct {
	Line    int `json:"line"`
	Col     int `json:"col"`
	EndLine int `json:"end_line"`
	EndCol  int `json:"end_col"`
}

// Decl is one top-level declared name.
type Decl struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`     // func, method, type, var, const
	Receiver string `json:"receiver"` // a method's receiver type, e.g. "*T" or "T"
	DocLine  int    `json:"doc_line"` // first line of the doc comment (= Span.Line without one)
	Span
	Body *Span `json:"body,omitempty"` // a function's { ... }
}

// Problem is one syntax error.
type Problem struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// File is what goast says about one file.
type File struct {
	Path     string    `json:"path"`
	Package  string    `json:"package"`
	Decls    []Decl    `json:"decls"`
	Literals []Span    `json:"literals"` // function literals (closures), in source order
	Errors   []Problem `json:"errors"`
}

func span(fset *token.FileSet, from, to token.Pos) Span {
	start, end := fset.Position(from), fset.Position(to)
	return Span{start.Line, start.Column, end.Line, end.Column}
}

func docLine(fset *token.FileSet, doc *ast.CommentGroup, start token.Pos) int {
	if doc != nil {
		return fset.Position(doc.Pos()).Line
	}
	return fset.Position(start).Line
}

func receiver(expr ast.Expr) string {
	switch t := expr.(type) {
	case *ast.StarExpr:
		return "*" + receiver(t.X)
	case *ast.IndexExpr:
		return receiver(t.X)
	case *ast.IndexListExpr:
		return receiver(t.X)
	case *ast.ParenExpr:
		return receiver(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

func funcDecl(fset *token.FileSet, d *ast.FuncDecl) Decl {
	decl := Decl{Name: d.Name.Name, Kind: "func", DocLine: docLine(fset, d.Doc, d.Pos()),
		Span: span(fset, d.Pos(), d.End())}
	if d.Recv != nil && len(d.Recv.List) == 1 {
		decl.Kind, decl.Receiver = "method", receiver(d.Recv.List[0].Type)
	}
	if d.Body != nil {
		body := span(fset, d.Body.Lbrace, d.Body.End())
		decl.Body = &body
	}
	return decl
}

func genDecl(fset *token.FileSet, d *ast.GenDecl) []Decl {
	kind := strings.ToLower(d.Tok.String())
	if kind != "type" && kind != "var" && kind != "const" {
		return nil // imports
	}
	grouped := d.Lparen.IsValid()
	var out []Decl
	for _, spec := range d.Specs {
		from, doc := d.Pos(), d.Doc
		if grouped {
			from = spec.Pos()
		}
		var names []string
		switch s := spec.(type) {
		case *ast.TypeSpec:
			names = []string{s.Name.Name}
			if grouped {
				doc = s.Doc
			}
		case *ast.ValueSpec:
			for _, n := range s.Names {
				names = append(names, n.Name)
			}
			if grouped {
				doc = s.Doc
			}
		}
		to := d.End()
		if grouped {
			to = spec.End()
		}
		for _, name := range names {
			out = append(out, Decl{Name: name, Kind: kind, DocLine: docLine(fset, doc, from),
				Span: span(fset, from, to)})
		}
	}
	return out
}

func read(path string) File {
	file := File{Path: path, Decls: []Decl{}, Literals: []Span{}, Errors: []Problem{}}
	fset := token.NewFileSet()
	tree, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		if list, ok := err.(scanner.ErrorList); ok {
			for _, e := range list {
				file.Errors = append(file.Errors, Problem{e.Pos.Line, e.Pos.Column, e.Msg})
			}
		} else {
			file.Errors = append(file.Errors, Problem{0, 0, err.Error()})
		}
	}
	if tree == nil {
		return file
	}
	file.Package = tree.Name.Name
	for _, d := range tree.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			file.Decls = append(file.Decls, funcDecl(fset, d))
		case *ast.GenDecl:
			file.Decls = append(file.Decls, genDecl(fset, d)...)
		}
	}
	ast.Inspect(tree, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			file.Literals = append(file.Literals, span(fset, lit.Pos(), lit.End()))
		}
		return true
	})
	return file
}

func main() {
	files := make([]File, 0, len(os.Args)-1)
	for _, path := range os.Args[1:] {
		files = append(files, read(path))
	}
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(files); err != nil {
		os.Stderr.WriteString("goast: " + err.Error() + "\n")
		os.Exit(1)
	}
}
