package charts

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
)

//go:embed assets
var assetsFS embed.FS

// PublicAssetsHost is go-echarts' asset host, used only when the local copy
// is missing.
const PublicAssetsHost = "https://go-echarts.github.io/go-echarts-assets/assets/"

// EChartsJS is the script the pages load.
const EChartsJS = "echarts.min.js"

// LocalAssets reports whether ECharts was embedded at build time
// (scripts/assets.sh fetches it from the npm registry).
func LocalAssets() bool {
	_, err := fs.Stat(assetsFS, "assets/"+EChartsJS)
	return err == nil
}

var warnOnce sync.Once

// AssetsBase returns where pages load ECharts from: prefix (the service's
// /assets/ or a relative folder) when embedded, else the public host with
// a warning in the log.
func AssetsBase(prefix string, log *slog.Logger) string {
	if LocalAssets() {
		return prefix
	}
	warnOnce.Do(func() {
		log.Warn("ECharts is not embedded in this build (run scripts/assets.sh, or build with make): pages load it from the public asset host and will not render on a closed network", "host", PublicAssetsHost)
	})
	return PublicAssetsHost
}

// AssetsHandler serves the embedded assets under /assets/.
func AssetsHandler() http.Handler {
	sub, _ := fs.Sub(assetsFS, "assets")
	return http.StripPrefix("/assets/", http.FileServer(http.FS(sub)))
}

// WorldJS registers the world's country boundaries with ECharts
// (Natural Earth 1:110m via world-atlas, converted by scripts/assets.sh).
const WorldJS = "world.js"

// WorldMap reports whether the country boundaries were embedded.
func WorldMap() bool {
	_, err := fs.Stat(assetsFS, "assets/"+WorldJS)
	return err == nil
}

// WorldSource returns the embedded boundaries script, if any.
func WorldSource() ([]byte, error) { return assetsFS.ReadFile("assets/" + WorldJS) }

// EChartsSource returns the embedded ECharts script, if any.
func EChartsSource() ([]byte, error) { return assetsFS.ReadFile("assets/" + EChartsJS) }
