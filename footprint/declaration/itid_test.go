package declaration

import (
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A data-centre room and a colocation contract are ids, like a site's:
// in a record's attributes and in the declaration, text that is not one
// (markup, spaces, capitals) is refused with the field, the value and the
// rule; ids that are stay accepted.
func TestRoomsAndContractsAreIDs(t *testing.T) {
	t.Parallel()
	d := footprint.NewDate(2025, time.January, 1)
	rec := func(kind footprint.Kind, attr, v string) footprint.Activity {
		return footprint.Activity{Kind: kind, Item: "it_energy", Start: d, End: d.AddDays(1), Quantity: 1, Unit: footprint.UnitKWh, Source: "pdu",
			Quality: footprint.QualityMeasured, Attrs: map[string]string{attr: v}}
	}
	for _, bad := range []string{"</script><script>document.title='pwned'</script>", "__f__function(){}__f__", "Room A", "-a", "sr1\u2028"} {
		for kind, attr := range map[footprint.Kind]string{footprint.KindDataCentre: "room", footprint.KindColocation: "contract"} {
			errs := rec(kind, attr, bad).Validate("r")
			require.Len(t, errs, 1, "%s %s=%q", kind, attr, bad)
			assert.Contains(t, errs[0].Error(), "r.attrs."+attr+": "+footprint.Clip(bad))
			assert.Contains(t, errs[0].Error(), "a-z, 0-9, '-' or '_'")
		}
	}
	for _, good := range []string{"sr1", "lil-sr1", "colo-paris", "hall_1", "0"} {
		assert.Empty(t, rec(footprint.KindDataCentre, "room", good).Validate("r"), good)
		assert.Empty(t, rec(footprint.KindColocation, "contract", good).Validate("r"), good)
	}
	s := itSite()
	s.DataCentres[0].ID = "<img src=x onerror=alert(1)>"
	s.Colocation[1].ID = "PAR 2"
	err := s.Validate("site.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data_centres[0].id: <img src=x onerror=alert(1)>: want 1–64 characters of a-z")
	assert.Contains(t, err.Error(), "colocation[1].id: PAR 2: want 1–64 characters of a-z")
	require.NoError(t, itSite().Validate("site.yaml"))
}
