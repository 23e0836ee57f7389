package timefmt

import (
	"strings"
	"time"
)

// monthForms are the names and abbreviations of each month as software
// writes them, in English, French, German and Spanish: the wide and
// abbreviated forms of the Unicode CLDR locale data (en, fr, de, es),
// which .NET on ICU and Excel also write (fr-FR: janv., févr., mars,
// avr., mai, juin, juil., août, sept., oct., nov., déc.), plus the
// common short forms (Sept, fév, Mrz). Written without their dot: a dot
// after a name is read with it.
var monthForms = [12][]string{
	{"january", "jan", "janvier", "janv", "januar", "jän", "enero", "ene"},
	{"february", "feb", "février", "févr", "fév", "februar", "febrero"},
	{"march", "mar", "mars", "märz", "mär", "mrz", "maerz", "marzo"},
	{"april", "apr", "avril", "avr", "abril", "abr"},
	{"may", "mai", "mayo"},
	{"june", "jun", "juin", "juni", "junio"},
	{"july", "jul", "juillet", "juil", "juli", "julio"},
	{"august", "aug", "août", "aout", "agosto", "ago"},
	{"september", "sep", "sept", "septembre", "septiembre", "setiembre", "set"},
	{"october", "oct", "octobre", "oktober", "okt", "octubre"},
	{"november", "nov", "novembre", "noviembre"},
	{"december", "dec", "décembre", "déc", "dezember", "dez", "diciembre", "dic"},
}

// weekdayForms are the weekdays' names and abbreviations (CLDR en, fr,
// de, es), Sunday first as time.Weekday counts.
var weekdayForms = [7][]string{
	{"sunday", "sun", "dimanche", "dim", "sonntag", "so", "domingo", "dom"},
	{"monday", "mon", "lundi", "lun", "montag", "mo", "lunes"},
	{"tuesday", "tue", "tues", "mardi", "mar", "dienstag", "di", "martes"},
	{"wednesday", "wed", "mercredi", "mer", "mittwoch", "mi", "miércoles", "mié"},
	{"thursday", "thu", "thur", "thurs", "jeudi", "jeu", "donnerstag", "do", "jueves", "jue"},
	{"friday", "fri", "vendredi", "ven", "freitag", "fr", "viernes", "vie"},
	{"saturday", "sat", "samedi", "sam", "samstag", "sa", "sábado", "sáb"},
}

var (
	monthNames   = index(monthForms[:], func(i int) time.Month { return time.Month(i + 1) })
	weekdayNames = index(weekdayForms[:], func(i int) time.Weekday { return time.Weekday(i) })
)

// index maps every form, folded, to its value; a form two values share
// is left out (names_test.go checks there is none).
func index[T comparable](forms [][]string, val func(int) T) map[string]T {
	out := map[string]T{}
	shared := map[string]bool{}
	for i, fs := range forms {
		for _, f := range fs {
			k := fold(f)
			if prev, ok := out[k]; ok && prev != val(i) || shared[k] {
				delete(out, k)
				shared[k] = true
				continue
			}
			out[k] = val(i)
		}
	}
	return out
}

// accents folds the accented letters of these languages to their base
// letter, so that an export written without accents (fevrier, aout)
// still reads.
var accents = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ä", "a", "á", "a",
	"û", "u", "ü", "u", "ú", "u", "ô", "o", "ö", "o", "ó", "o", "î", "i", "ï", "i", "í", "i", "ç", "c", "ñ", "n")

func fold(s string) string { return accents.Replace(strings.ToLower(s)) }
