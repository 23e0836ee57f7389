// Package registry is the one registry of the agent's plugins by name:
// source types (`type:`) and collectors (`collector:`) register their
// options from their own file, and the configuration asks for them by
// name (docs/ARCHITECTURE.md, "Where to add").
package registry

import (
	"maps"
	"slices"
)

// Of holds the options of each plugin of one kind, by name. The zero
// value is ready; plugins register from init, before any lookup.
type Of[T any] struct{ byName map[string]func() T }

// Register adds the plugin name, whose zero options options returns.
func (r *Of[T]) Register(name string, options func() T) {
	if r.byName == nil {
		r.byName = map[string]func() T{}
	}
	r.byName[name] = options
}

// New returns the zero options of the plugin name (false: no such plugin).
func (r *Of[T]) New(name string) (T, bool) {
	f, ok := r.byName[name]
	if !ok {
		var zero T
		return zero, false
	}
	return f(), true
}

// Names is the registered names, sorted.
func (r *Of[T]) Names() []string { return slices.Sorted(maps.Keys(r.byName)) }
