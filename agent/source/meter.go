package source

// A meter's own format (Green Button, Enedis) says what its rows are: a
// source of such a type gives fixed fields, whatever the block's
// columns, and the interval collector reads them (agent/collector,
// interval.go). A generic interval CSV declares the same in the
// collector's keys instead (unit, timestamp, interval, reading).
const (
	// FieldStart and FieldEnd bound an interval (RFC 3339 instants).
	FieldStart = "start"
	FieldEnd   = "end"
	// FieldTime is a reading's instant (RFC 3339, with its offset): the
	// start or the end of its interval (FieldStamp), or the instant of
	// an index reading.
	FieldTime = "time"
	// FieldQuantity is the reading's value in FieldUnit; empty when the
	// meter has no value for the interval (a gap, not a zero).
	FieldQuantity = "quantity"
	// FieldUnit is W or kW (average power over the interval), or Wh,
	// kWh or MWh (energy of the interval, or an index).
	FieldUnit = "unit"
	// FieldStamp says which end of its interval FieldTime is: start or end.
	FieldStamp = "stamp"
	// FieldStep is the interval's length in seconds, when the export
	// states it.
	FieldStep = "step"
	// FieldReading is interval (a value per interval) or index (a
	// cumulative meter index: an interval's energy is the difference of
	// two consecutive readings).
	FieldReading = "reading"
)
