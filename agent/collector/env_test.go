package collector

// testEnv is the Env of a source of type typ feeding collector name,
// with the columns cols (field → column) mapped.
func testEnv(typ, name string, cols map[string]string) Env {
	var c Common
	for field, col := range cols {
		setColumn(&c.Columns, field, col)
	}
	return Env{Type: typ, Collector: name, Common: c}
}
