package central_test

import (
	centralserver "github.com/greenhelp/greenhelp/central/server"

	. "github.com/greenhelp/greenhelp/central"
)

// newHandler is the central's public handler (central/server): the API
// and the pages on the service, as `greenhelp serve` answers.
func newHandler(svc *Service) *centralserver.Handler {
	h, err := centralserver.NewHandler(svc)
	if err != nil {
		panic(err) // a test's configuration the central refuses
	}
	return h
}
