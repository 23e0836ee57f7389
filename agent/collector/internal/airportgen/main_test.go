package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// From OurAirports' columns, only the airports with an IATA code and
// scheduled service are kept, a shared code going to the larger airport.
func TestOnlyScheduledAirportsWithACodeAreKept(t *testing.T) {
	t.Parallel()
	in := `"id","ident","type","name","latitude_deg","longitude_deg","elevation_ft","continent","iso_country","iso_region","municipality","scheduled_service","icao_code","iata_code"
1,"RPLL","large_airport","Ninoy Aquino International Airport",14.5086,121.019997,75,"AS","PH","PH-00","Manila","yes","RPLL","MNL"
2,"X1","heliport","A Heliport",14.5,121,1,"AS","PH","PH-00","Manila","yes",,"HHH"
3,"X2","small_airport","Old Manila Field",14.6,121.1,1,"AS","PH","PH-00","Manila","yes",,"MNL"
4,"X3","small_airport","No Service Field",10,120,1,"AS","PH","PH-00","X","no",,"NSF"
5,"X4","closed","Closed Field",10,120,1,"AS","PH","PH-00","X","yes",,"CLF"
6,"ENGM","large_airport","Oslo Airport, Gardermoen",60.193901,11.100399,681,"EU","NO","NO-32","Oslo","yes","ENGM","OSL"
`
	aps, err := read(strings.NewReader(in))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, write(&out, aps))
	assert.Equal(t, "iata,name,country,lat,lon\nMNL,Ninoy Aquino International Airport,PH,14.5086,121.0200\nOSL,\"Oslo Airport, Gardermoen\",NO,60.1939,11.1004\n", out.String())
}

func TestAFileThatIsNotOurAirportsIsRefused(t *testing.T) {
	t.Parallel()
	_, err := read(strings.NewReader("code,lat,lon\nMNL,14,121\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no column "type": want OurAirports' airports.csv`)
}
