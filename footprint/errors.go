package footprint

import (
	"fmt"
	"strings"
)

// FieldError is one problem with one field of an input: where it is, the
// value found and what would be right.
type FieldError struct {
	// Path locates the field: "site.workstations[1].watts_on", or for a CSV
	// record "activities.csv:12: quantity".
	Path    string `json:"field"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

func (e FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Path, e.Message)
	}
	return fmt.Sprintf("%s: %s: %s", e.Path, e.Value, e.Message)
}

// ValidationError holds every problem found in one input, so that a person
// can fix them all in one pass.
type ValidationError struct {
	// Source names the input: a file path, or "batch".
	Source string
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		fmt.Fprintf(&b, "%s: ", e.Source)
	}
	fmt.Fprintf(&b, "%d problem(s):", len(e.Errors))
	for _, fe := range e.Errors {
		b.WriteString("\n  ")
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Problems accumulates FieldErrors, so that a check names every problem
// at once.
type Problems []FieldError

// Add appends a problem with the field's path and value.
func (l *Problems) Add(path, value, format string, args ...any) {
	*l = append(*l, FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...)})
}

// Err is nil without problems, else a *ValidationError naming source.
func (l Problems) Err(source string) error {
	if len(l) == 0 {
		return nil
	}
	return &ValidationError{Source: source, Errors: l}
}
