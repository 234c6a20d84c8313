package messages_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// kit is the conformance kit of the repository (conformance/README.md).
var kit = filepath.Join("..", "..", "conformance")

// kitFile is one JSON Lines file of the kit: its path inside the kit and
// its lines, one vector each.
type kitFile struct {
	Name  string
	Lines [][]byte
}

// kitFiles reads every .jsonl file of the kit's directory dir, in name
// order; a directory without any fails the test.
func kitFiles(tb testing.TB, dir string) []kitFile {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(kit, dir, "*.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no vector files in %s", filepath.Join(kit, dir))
	}
	files := make([]kitFile, 0, len(paths))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		name, _ := filepath.Rel(kit, path)
		file := kitFile{Name: name}
		if len(data) > 0 {
			file.Lines = bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		}
		files = append(files, file)
	}
	return files
}
