package ghg

import (
	"encoding/json"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each row of the table of scopes is one scope, feeds its own Inventory
// field (the JSON member it names), and says of itself what its id says:
// "3.N…" is category N, in both totals; Scope 2 is in one total.
func TestTheTableOfScopesHasEveryScopeOnceEachFeedingItsOwnField(t *testing.T) {
	t.Parallel()
	var inv Inventory
	seen := map[Scope]bool{}
	for i, s := range Scopes() {
		require.False(t, seen[s.ID], "%s twice", s.ID)
		seen[s.ID] = true
		*s.total(&inv) = float64(i + 1)
		for _, text := range []string{s.Label, s.Column, s.Chart, s.Text, s.Head, s.Field} {
			assert.NotEmpty(t, text, "%s", s.ID)
		}
		got, ok := ScopeOf(s.ID)
		require.True(t, ok)
		assert.Equal(t, s.ID, got.ID)
		switch id := string(s.ID); {
		case strings.HasPrefix(id, "3."):
			n, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(id, "3."), "-", 2)[0])
			require.NoError(t, err)
			assert.Equal(t, n, s.Category, "%s", id)
			assert.True(t, s.Location && s.Market, "%s counts in both totals", id)
			assert.True(t, Categories()[n-1].Included())
		case strings.HasPrefix(id, "2-"):
			assert.Zero(t, s.Category)
			assert.True(t, s.Location != s.Market, "%s counts in one total", id)
			assert.NotEmpty(t, s.Datapoint.Name)
		default:
			assert.Zero(t, s.Category)
			assert.True(t, s.Location && s.Market)
			assert.NotEmpty(t, s.Datapoint.Name)
		}
	}
	b, err := json.Marshal(&inv)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for i, s := range Scopes() {
		assert.Equal(t, float64(i+1), m[s.Field], "%s feeds %s", s.ID, s.Field)
	}
	for _, id := range []Scope{Scope1, Scope2Location, Scope2Market, Scope3PurchasedGoods, Scope3CapitalGoods, Scope3FuelEnergy, Scope3BusinessTravel, Scope3Commuting, Scope3Homeworking} {
		assert.True(t, seen[id], "%s has a row", id)
	}
	_, ok := ScopeOf("3.15")
	assert.False(t, ok)
	assert.Len(t, Categories(), 15)
	assert.Equal(t, "Gross Scope 3 GHG emissions (categories 1, 2, 3, 6 and 7)", Scope3Figure.Datapoint.Description)
}

// Totals add each line to its scope and the scopes to the totals the
// table counts them in: checked on tonnes that are powers of two, so
// every sum is exact.
func TestTotalsFollowTheTable(t *testing.T) {
	t.Parallel()
	inv := &Inventory{}
	want := map[Scope]float64{}
	for i, s := range Scopes() {
		v := float64(int(1) << i)
		want[s.ID] = v
		inv.Lines = append(inv.Lines, Line{Scope: s.ID, Kind: "k", T: v / 2, Quality: footprint.QualityMeasured}, Line{Scope: s.ID, Kind: "k2", T: v / 2, Quality: footprint.QualityMeasured})
	}
	inv.Lines = append(inv.Lines, Line{Scope: "9.9", Kind: "k", T: 1 << 20, Quality: footprint.QualityMeasured})
	inv.Totals()
	var loc, mkt, s3 float64
	for _, s := range Scopes() {
		assert.Equal(t, want[s.ID], s.Of(inv), "%s", s.ID)
		if s.Location {
			loc += want[s.ID]
		}
		if s.Market {
			mkt += want[s.ID]
		}
		if s.Category > 0 {
			s3 += want[s.ID]
		}
	}
	assert.Equal(t, s3, inv.Scope3T())
	assert.Equal(t, loc, inv.TotalLocationT, "a line outside the table counts in no total")
	assert.Equal(t, mkt, inv.TotalMarketT)
	assert.Equal(t, want[Scope3Commuting]+want[Scope3Homeworking], Categories()[6].Of(inv))
	var fields []string
	for _, f := range Headline() {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"scope1_t", "scope2_location_t", "scope2_market_t", "scope3_t", "total_location_t", "total_market_t"}, fields)
}

// Lines come out in one order whatever order they went in: by the
// table's order of scopes (3.1 after Scope 2, never tied with Scope 1),
// then by every field of their key down to the unit.
func TestLineOrderIsTheSameWhateverTheInputOrder(t *testing.T) {
	t.Parallel()
	var lines []Line
	for _, s := range Scopes() {
		lines = append(lines, Line{Scope: s.ID, Kind: "b", Item: "x"}, Line{Scope: s.ID, Kind: "a", Item: "y"})
	}
	lines = append(lines,
		Line{Scope: Scope1, Kind: "fuel", Item: "diesel", FactorID: "f", Unit: "L"},
		Line{Scope: Scope1, Kind: "fuel", Item: "diesel", FactorID: "f", Unit: "kWh"},
		Line{Scope: Scope3PurchasedGoods, Kind: "cloud", Item: "reported"},
		Line{Scope: Scope3PurchasedGoods, Kind: "colocation", Item: "it_energy"},
		Line{Scope: "9.9", Kind: "a"}, Line{Scope: "0.5", Kind: "a"})
	sortLines(lines)
	want := append([]Line(nil), lines...)
	rnd := rand.New(rand.NewSource(26))
	for i := 0; i < 200; i++ {
		got := append([]Line(nil), want...)
		rnd.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		sortLines(got)
		require.Equal(t, want, got, "shuffle %d", i)
	}
	var order []Scope
	for _, l := range want {
		if len(order) == 0 || order[len(order)-1] != l.Scope {
			order = append(order, l.Scope)
		}
	}
	var table []Scope
	for _, s := range Scopes() {
		table = append(table, s.ID)
	}
	assert.Equal(t, append(table, "0.5", "9.9"), order, "the table's order, then scopes outside it by id")
}

// lineOrder (scopes ranked once, places sorted) is the order of the
// comparison it replaced — CompareScopes, then kind, item, factor,
// quality, basis and unit — lines that tie kept in their own order, on
// lines drawn from few values of each field, so that every field
// decides some comparisons and some lines tie whole.
func TestLineOrderIsTheComparisonsOrder(t *testing.T) {
	t.Parallel()
	less := func(a, b *Line) bool {
		if c := CompareScopes(a.Scope, b.Scope); c != 0 {
			return c < 0
		}
		for _, p := range [][2]string{{a.Kind, b.Kind}, {a.Item, b.Item}, {a.FactorID, b.FactorID},
			{string(a.Quality), string(b.Quality)}, {a.Basis, b.Basis}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return a.Unit < b.Unit
	}
	scopes := []Scope{Scope1, Scope2Location, Scope2Market, Scope3Commuting, Scope3PurchasedGoods, "9.9", "0.5"}
	pick := func(rnd *rand.Rand, vs ...string) string { return vs[rnd.Intn(len(vs))] }
	rnd := rand.New(rand.NewSource(30))
	for round := 0; round < 50; round++ {
		lines := make([]Line, 1+rnd.Intn(300))
		for i := range lines {
			lines[i] = Line{Scope: scopes[rnd.Intn(len(scopes))], Kind: pick(rnd, "a", "b"), Item: pick(rnd, "x", "y", ""),
				FactorID: pick(rnd, "f", "g"), Quality: footprint.Quality(pick(rnd, "measured", "estimated")), Basis: pick(rnd, "", "b1"),
				Unit: pick(rnd, "kWh", "L"), Records: i}
		}
		want := make([]int, len(lines))
		for i := range want {
			want[i] = i
		}
		sort.SliceStable(want, func(i, j int) bool { return less(&lines[want[i]], &lines[want[j]]) })
		require.Equal(t, want, lineOrder(lines), "round %d", round)
	}
}

// Every kind of record has its calculation: a kind added to the records
// without a row in byKind fails here, not in a user's inventory.
func TestEveryKindHasItsCalculation(t *testing.T) {
	t.Parallel()
	for _, k := range footprint.Kinds() {
		assert.Contains(t, byKind, k, "kind %s has no row in byKind (footprint/ghg/kinds.go)", k)
	}
	assert.Len(t, byKind, len(footprint.Kinds()))
}
