package source

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

const enedisPreamble = "Identifiant PRM;Type de donnees;Date de debut;Date de fin;Grandeur physique;Grandeur metier;Etape metier;Unite;Pas en minutes\n"

// readEnedis reads an export with the source's keys.
func readEnedis(t *testing.T, s enedisSource, raw string) ([]Row, []Rejection, error) {
	t.Helper()
	s.Defaults()
	var rows []Row
	bad, err := s.read(strings.NewReader(raw), "e.csv", func(r Row) { rows = append(rows, r.Clone()) })
	return rows, bad, err
}

// The sections of an export are read by their preamble: the load curve
// of consumption, or of production, each row with what it is.
func TestEnedisReadsTheSectionsItIsAskedFor(t *testing.T) {
	t.Parallel()
	raw := enedisPreamble +
		"00000000000000;Courbe de charge;29/03/2025;30/03/2025;Energie active;Consommation;Comptage Brut;W;30\n\n" +
		"Horodate;Valeur\n2025-03-29T00:30:00+01:00;1200\n2025-03-29T01:00:00+01:00;\n" +
		enedisPreamble +
		"00000000000000;Courbe de charge;29/03/2025;30/03/2025;Energie active;Production;Comptage Brut;W;30\n\n" +
		"Horodate;Valeur\n2025-03-29T12:30:00+01:00;800\n"
	rows, bad, err := readEnedis(t, enedisSource{}, raw)
	require.NoError(t, err)
	assert.Empty(t, bad)
	require.Len(t, rows, 2)
	assert.Equal(t, "e.csv:5", rows[0].Where())
	assert.Equal(t, map[string]string{"time": "2025-03-29T00:30:00+01:00", "quantity": "1200", "unit": "W", "reading": "interval", "stamp": "end", "step": "1800"}, rows[0].Fields())
	assert.Equal(t, "", rows[1].Get("quantity")) // no value: a gap

	rows, _, err = readEnedis(t, enedisSource{Flow: "production"}, raw)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, "800", rows[0].Get("quantity"))
	assert.Equal(t, "e.csv:11", rows[0].Where())
}

// A Latin-1 export with its accents, and a curve without a preamble
// (average W, stamped at the end).
func TestEnedisInLatin1AndWithoutPreamble(t *testing.T) {
	t.Parallel()
	utf := "Identifiant PRM;Type de données;Date de début;Date de fin;Grandeur physique;Grandeur métier;Etape métier;Unité\n" +
		"00000000000000;Index;28/03/2025;30/03/2025;Energie active;Consommation;Comptage Brut;Wh\n" +
		"Horodate;Type de releve;EAS F1;EAS F2;EAS T\n2025-03-28T00:00:00+01:00;Arrêté quotidien;10;20;30\n"
	var latin1 bytes.Buffer
	w := charmap.ISO8859_1.NewEncoder().Writer(&latin1)
	_, err := w.Write([]byte(utf))
	require.NoError(t, err)
	rows, _, err := readEnedis(t, enedisSource{Data: "index", Encoding: "latin-1"}, latin1.String())
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, map[string]string{"time": "2025-03-28T00:00:00+01:00", "quantity": "30", "unit": "Wh", "reading": "index"}, rows[0].Fields())
	rows, _, err = readEnedis(t, enedisSource{Data: "index", Register: "EAS F2", Encoding: "latin-1"}, latin1.String())
	require.NoError(t, err)
	assert.Equal(t, "20", rows[0].Get("quantity"))

	rows, _, err = readEnedis(t, enedisSource{}, "\ufeffHorodate;Valeur\r\n2025-03-29T00:30:00+01:00;1200\r\n")
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, "W", rows[0].Get("unit"))
	assert.Equal(t, "", rows[0].Get("step"))
}

func TestEnedisSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    enedisSource
		raw  string
		want string
	}{
		{"no register", enedisSource{Data: "index", Register: "EAS X"},
			"Identifiant PRM;Type de donnees;Unite\n1;Index;Wh\nHorodate;Type de releve;EAS T\n",
			`e.csv:3: the "Index" table has no column "EAS X": it has Horodate;Type de releve;EAS T`},
		{"a curve in Wh", enedisSource{},
			"Identifiant PRM;Type de donnees;Unite\n1;Courbe de charge;Wh\nHorodate;Valeur\n",
			`e.csv:3: Unite "Wh": a load curve is in W`},
		{"a bad step", enedisSource{},
			enedisPreamble + "1;Courbe de charge;;;;Consommation;;W;half\nHorodate;Valeur\n",
			`e.csv: Pas en minutes "half": want a number of minutes`},
		{"nothing there", enedisSource{}, "Date;Valeur (en Wh)\n2026-06-01;12571\n",
			`e.csv: no "Courbe de charge" section of consumption: no Horodate table at all`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readEnedis(t, tt.s, tt.raw)
			assert.EqualError(t, err, tt.want)
		})
	}
	// A row before any table is rejected, the rest read.
	_, bad, err := readEnedis(t, enedisSource{}, "Export du 01/04/2025\nHorodate;Valeur\n2025-03-29T00:30:00+01:00;1200\n")
	require.NoError(t, err)
	assert.Equal(t, []Rejection{{Where: "e.csv:1", Reason: `a row outside any table ("Export du 01/04/2025"): want the Identifiant PRM preamble, then a Horodate header`}}, bad)
}
