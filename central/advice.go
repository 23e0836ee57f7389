package central

import "github.com/greenhelp/greenhelp/central/store"

// StoreAdvice says what to do about a store failure an operator must
// act on ("" for the others).
func StoreAdvice(err error) string {
	switch {
	case store.Corrupt(err):
		return "the store's file is damaged or is not a greenhelp database: stop the central and restore the data directory from a backup (greenhelp restore)"
	case store.ReadOnly(err):
		return "the store's file cannot be written: check that the file and its directory are writable by the central and that the file system is mounted read-write, then restart the central"
	case store.Full(err):
		return "the disk of the data directory is full: free some space (the agents send again by themselves)"
	}
	return ""
}
