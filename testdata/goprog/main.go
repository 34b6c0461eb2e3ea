// Command goprog is a Go program built for GOOS=wasip1 by the benchmarks and
// tests: it pulls in a realistic share of the standard library so that the
// resulting module is large and typical of what users compile.
package main

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

type record struct {
	Name  string   `json:"name"`
	Score int      `json:"score"`
	Tags  []string `json:"tags"`
}

func main() {
	recs := []record{{"b", 2, []string{"x"}}, {"a", 1, nil}, {"c", 3, []string{"y", "z"}}}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Score < recs[j].Score })
	js, _ := json.Marshal(recs)
	re := regexp.MustCompile(`"name":"([a-z])"`)
	names := re.FindAllStringSubmatch(string(js), -1)

	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(bytes.Repeat(js, 16))
	w.Close()

	f := new(big.Int).MulRange(1, 30)
	t := template.Must(template.New("t").Parse("{{range .}}{{.Name}}={{.Score}} {{end}}\n"))
	var out strings.Builder
	t.Execute(&out, recs)

	fmt.Printf("%d names, %d compressed bytes, 30! = %s, sha256 %x\n%s",
		len(names), buf.Len(), f, sha256.Sum256(js), out.String())
	if len(names) != 3 {
		os.Exit(1)
	}
}
