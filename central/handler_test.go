package central_test

import (
	centralserver "github.com/greenhelp/greenhelp/central/server"

	. "github.com/greenhelp/greenhelp/central"
)

// newHandler is the central's public handler (central/server): the API
// and the pages on the service, as `greenhelp serve` answers.
func newHandler(svc *Service) *centralserver.Handler { return centralserver.NewHandler(svc) }
