package footprint

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/greenhelp/greenhelp/internal/csvsafe"
)

// CSVColumns are the columns of the activity CSV, the wire fields in order.
var CSVColumns = []string{"kind", "item", "start", "end", "quantity", "unit", "source", "quality", "attrs"}

// maxCSVErrors bounds how many problems one file reports.
const maxCSVErrors = 100

// ReadActivitiesCSV reads activities in the wire CSV form (CSVColumns, in
// any order, attrs optional, extra columns ignored). name is the file name
// used in errors. It reads the whole input and reports every bad record
// (up to 100) as a *ValidationError; nothing is returned unless every
// record is good. A source or attrs cell guarded against spreadsheet
// formulas ('-meter for -meter; csvsafe) is read as it was written.
func ReadActivitiesCSV(r io.Reader, name string) ([]Activity, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file: want a header row %s", name, strings.Join(CSVColumns, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var missing []string
	for _, c := range CSVColumns {
		if _, ok := col[c]; !ok && c != "attrs" {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s:1: header: missing column(s) %s: want %s", name, strings.Join(missing, ", "), strings.Join(CSVColumns, ","))
	}
	var out []Activity
	var errs Problems
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs.Add(fmt.Sprintf("%s:%d", name, pe.Line), "", "%v", pe.Err)
				if len(errs) >= maxCSVErrors {
					break
				}
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		line, _ := cr.FieldPos(0) // only after a successful Read: it panics otherwise
		a, recErrs := parseRecord(rec, col, fmt.Sprintf("%s:%d", name, line))
		errs = append(errs, recErrs...)
		if len(errs) >= maxCSVErrors {
			break
		}
		out = append(out, a)
	}
	if len(errs) > 0 {
		return nil, errs.Err(name)
	}
	return out, nil
}

func parseRecord(rec []string, col map[string]int, where string) (Activity, []FieldError) {
	get := func(c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var errs Problems
	a := Activity{Kind: Kind(get("kind")), Item: get("item"), Unit: Unit(get("unit")),
		Source: csvsafe.Untext(get("source")), Quality: Quality(get("quality"))}
	var dateErr bool
	for _, f := range []struct {
		name string
		dst  *Date
	}{{"start", &a.Start}, {"end", &a.End}} {
		if v := get(f.name); v != "" {
			d, err := ParseDate(v)
			if err != nil {
				errs.Add(where+": "+f.name, v, "not a date: want YYYY-MM-DD")
				dateErr = true
				continue
			}
			*f.dst = d
		}
	}
	q := get("quantity")
	qv, qErr := strconv.ParseFloat(q, 64)
	if qErr != nil {
		hint := "want a number with a dot as decimal separator"
		if strings.Contains(q, ",") {
			hint += " (this file uses a decimal comma: the activity CSV is comma-separated with decimal points)"
		}
		errs.Add(where+": quantity", q, "%s", hint)
	}
	a.Quantity = qv
	attrs, err := ParseAttrs(csvsafe.Untext(get("attrs")))
	if err != nil {
		errs.Add(where+": attrs", get("attrs"), "%v", err)
	}
	a.Attrs = attrs
	for _, fe := range a.Validate(where) {
		// Unparsable dates and quantities are reported once, above.
		if dateErr && (strings.HasSuffix(fe.Path, ": start") || strings.HasSuffix(fe.Path, ": end")) {
			continue
		}
		if qErr != nil && strings.HasSuffix(fe.Path, ": quantity") {
			continue
		}
		errs = append(errs, fe)
	}
	return a, errs
}
