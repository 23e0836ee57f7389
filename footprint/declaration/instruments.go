package declaration

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
)

// The contractual instruments of the market-based method (GHG Protocol
// Scope 2 Guidance (2015), ch. 6 and the Scope 2 Quality Criteria of
// ch. 7, Table 7.1). A site declares them in site.electricity either as
// a share (green_share with the instrument's name: no volume, no vintage)
// or, better, as a list (instruments): each its type, the reporting year
// it is applied to, its volume and its vintage, which the checks below
// and the calculation read. The quality criteria the checks enforce:
//
//   - market: an instrument "shall be sourced from the same market in
//     which the reporting entity's electricity-consuming operations are
//     located" (Table 7.1). A guarantee of origin is the EU/EEA's
//     (Directive (EU) 2018/2001, art. 19; the EEA Agreement extends it to
//     Iceland, Liechtenstein and Norway), or, issued by a register outside
//     it (Switzerland's), of that country;
//     a REGO is Great Britain's (Ofgem's Renewables and CHP Register); a
//     REC is the United States' and Canada's (the North American market
//     the brief and Green-e treat as one); an I-REC and a PPA are of the
//     country that issued them or hosts the generator.
//   - vintage: "issued and redeemed as close as possible to the period of
//     energy consumption" (Table 7.1). greenhelp takes RE100's reading of
//     it: generation from six months before the reporting year to three
//     months after it (RE100 Technical Criteria; read in soldera.org's
//     glossary "Reasonably close to the reporting year", the RE100 text
//     itself not read here).
//   - volume: no more than the site's consumption. That needs the
//     year's records, so the calculation checks it (footprint/ghg
//     market.go): the excess is not counted, and said.

// The instrument types greenhelp knows.
const (
	InstrumentGO   = "GO"    // guarantee of origin (EU/EEA, EECS)
	InstrumentREGO = "REGO"  // renewable energy guarantee of origin (Great Britain)
	InstrumentREC  = "REC"   // renewable energy certificate (United States, Canada)
	InstrumentIREC = "I-REC" // International REC Standard: the issuing country's
	InstrumentPPA  = "PPA"   // power purchase agreement, its certificates bundled
)

// InstrumentTypes lists the types an instruments entry may name.
var InstrumentTypes = []string{InstrumentGO, InstrumentREGO, InstrumentREC, InstrumentIREC, InstrumentPPA}

// euEEA is the market of the guarantees of origin: the EU's 27 members
// (Directive (EU) 2018/2001, art. 19) and the EEA's three others.
var euEEA = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
	"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO"}

// Instrument is one contractual instrument applied to a site's grid
// electricity for one reporting year.
type Instrument struct {
	// Type is one of InstrumentTypes.
	Type string `mapstructure:"type" yaml:"type" json:"type"`
	// Year is the reporting year the instrument is applied to.
	Year int `mapstructure:"year" yaml:"year" json:"year"`
	// MWh is the volume cancelled (or delivered, for a PPA) for the site.
	MWh float64 `mapstructure:"mwh" yaml:"mwh" json:"mwh"`
	// Vintage is when the electricity was generated: YYYY, or YYYY-MM
	// for a vintage in the year before or after.
	Vintage string `mapstructure:"vintage" yaml:"vintage" json:"vintage"`
	// Country is where the certificates were issued (or the PPA's
	// generator stands), ISO 3166-1 alpha-2; default the site's.
	Country string `mapstructure:"country" yaml:"country" json:"country,omitempty"`
	// KgPerKWh is the instrument's emission rate (default 0: renewable).
	KgPerKWh float64 `mapstructure:"kg_per_kwh" yaml:"kg_per_kwh" json:"kg_per_kwh,omitempty"`
	// Reference names the cancellation statement or contract.
	Reference string `mapstructure:"reference" yaml:"reference" json:"reference,omitempty"`
}

// Bundled reports whether the instrument comes with the electricity (a
// PPA) rather than apart from it (unbundled certificates).
func (i Instrument) Bundled() bool { return strings.EqualFold(i.Type, InstrumentPPA) }

// InstrumentMarket says where an instrument of type kind issued in
// issuer may be used: ok for a site in country, else the market's name.
// known is false for a type greenhelp does not know (a legacy free-text
// instrument name), whose market is not checked.
func InstrumentMarket(kind, issuer, country string) (market string, ok, known bool) {
	country, issuer = strings.ToUpper(country), strings.ToUpper(issuer)
	declared := issuer != ""
	if !declared {
		issuer = country
	}
	same := issuer == country
	switch strings.ToUpper(strings.TrimSpace(kind)) {
	case InstrumentGO:
		if declared && !slices.Contains(euEEA, issuer) {
			// A guarantee of origin of a register outside the EU/EEA
			// (Switzerland's, say): its own country's.
			return "the guarantee-of-origin register of " + issuer, same, true
		}
		return "the EU/EEA guarantee-of-origin market (AIB, Directive (EU) 2018/2001 art. 19)", slices.Contains(euEEA, country), true
	case InstrumentREGO:
		return "Great Britain (Ofgem's REGO register)", country == "GB" && (issuer == "GB"), true
	case InstrumentREC:
		na := func(c string) bool { return c == "US" || c == "CA" }
		return "the United States and Canada (North American RECs)", na(country) && na(issuer), true
	case InstrumentIREC:
		return "the country that issued it (" + issuer + ", I-REC Standard)", same, true
	case InstrumentPPA:
		return "the generator's country (" + issuer + ")", same || (slices.Contains(euEEA, issuer) && slices.Contains(euEEA, country)), true
	}
	return "", true, false
}

// VintageProblem says why vintage cannot be applied to year's
// consumption ("" when it can): generation from July of the year before
// to March of the year after (RE100's window, above).
func VintageProblem(vintage string, year int) string {
	y, m, monthly, err := parseVintage(vintage)
	if err != nil {
		return err.Error()
	}
	if !monthly {
		if y == year {
			return ""
		}
		return fmt.Sprintf("generated in %d, too far from the %d consumption: give the month (YYYY-MM) if it falls from %d-07 to %d-03 (generation from six months before to three months after the reporting year: RE100's reading of the Scope 2 quality criterion on vintage)", y, year, year-1, year+1)
	}
	at := y*12 + m
	if at < (year-1)*12+7 || at > (year+1)*12+3 {
		return fmt.Sprintf("generated %04d-%02d, outside %d-07 to %d-03 for the %d consumption (six months before to three months after the reporting year: RE100's reading of the Scope 2 quality criterion on vintage)", y, m, year-1, year+1, year)
	}
	return ""
}

func parseVintage(v string) (year, month int, monthly bool, err error) {
	v = strings.TrimSpace(v)
	ys, ms, monthly := strings.Cut(v, "-")
	year, e1 := strconv.Atoi(ys)
	if len(ys) != 4 || e1 != nil || year < 1990 || year > 2100 {
		return 0, 0, false, fmt.Errorf("want the year of generation (YYYY) or its month (YYYY-MM)")
	}
	if !monthly {
		return year, 0, false, nil
	}
	month, e2 := strconv.Atoi(ms)
	if len(ms) != 2 || e2 != nil || month < 1 || month > 12 {
		return 0, 0, false, fmt.Errorf("want the year of generation (YYYY) or its month (YYYY-MM)")
	}
	return year, month, true, nil
}

// validateInstruments checks the electricity contract's instruments:
// their market against the site's country, their vintage against their
// year, their volume; and the share form's instrument's market.
func validateInstruments(s Site, p func(string) string, e *footprint.Problems) {
	el := s.Electricity
	if el.Instrument != "" {
		if market, ok, known := InstrumentMarket(el.Instrument, "", s.Country); known && !ok {
			e.Add(p("electricity.instrument"), el.Instrument, "site %s is in %s: a %s is valid in %s only (GHG Protocol Scope 2 Quality Criteria: an instrument from the market where the electricity is consumed)", s.ID, s.Country, el.Instrument, market)
		}
	}
	if len(el.Instruments) > 0 && el.GreenShare > 0 {
		e.Add(p("electricity.green_share"), ftoa(el.GreenShare), "declare either green_share (a share, no volume) or instruments (volumes with their vintage), not both")
	}
	seen := map[string]int{}
	for i, in := range el.Instruments {
		ip := p(fmt.Sprintf("electricity.instruments[%d].", i))
		kind := strings.ToUpper(strings.TrimSpace(in.Type))
		if !slices.Contains(InstrumentTypes, kind) {
			e.Add(ip+"type", in.Type, "want one of %s%s", footprint.QuoteList(InstrumentTypes), footprint.Suggest(in.Type, InstrumentTypes))
		} else if in.Country != "" && !footprint.ValidCountry(in.Country) {
			e.Add(ip+"country", in.Country, "not an ISO 3166-1 alpha-2 country code (where the instrument was issued)")
		} else if market, ok, _ := InstrumentMarket(kind, in.Country, s.Country); !ok {
			issued := ""
			if in.Country != "" {
				issued = " issued in " + strings.ToUpper(in.Country)
			}
			e.Add(ip+"type", in.Type+issued, "site %s is in %s: a %s%s is valid in %s only (GHG Protocol Scope 2 Quality Criteria: an instrument from the market where the electricity is consumed)", s.ID, s.Country, kind, issued, market)
		}
		if in.Year < 1990 || in.Year > 2100 {
			e.Add(ip+"year", strconv.Itoa(in.Year), "missing: the reporting year the instrument is applied to (YYYY)")
		} else if why := VintageProblem(in.Vintage, in.Year); why != "" {
			e.Add(ip+"vintage", in.Vintage, "%s", why)
		}
		if !(in.MWh > 0) || math.IsInf(in.MWh, 0) || in.MWh > 1e7 {
			e.Add(ip+"mwh", ftoa(in.MWh), "must be > 0 MWh (the volume cancelled for the site) and at most 10 TWh")
		}
		if in.KgPerKWh < 0 || in.KgPerKWh > 2 || math.IsNaN(in.KgPerKWh) {
			e.Add(ip+"kg_per_kwh", ftoa(in.KgPerKWh), "must be between 0 and 2 kgCO2e/kWh (0 for renewables)")
		}
		if why := footprint.TextProblem(in.Reference, footprint.MaxTextLength); why != "" {
			e.Add(ip+"reference", footprint.QuoteClip(in.Reference), "%s", why)
		}
		if in.Reference != "" {
			k := kind + "\x00" + in.Reference + "\x00" + strconv.Itoa(in.Year)
			if j, dup := seen[k]; dup {
				e.Add(ip+"reference", in.Reference, "already declared in instruments[%d] for %d: one cancellation counts once", j, in.Year)
			}
			seen[k] = i
		}
	}
}
