package console

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

// Prefix is the path the console is served under.
const Prefix = "/ui/"

// CSRFHeader is the header every API call of the console carries. A cross-site page cannot
// set it without a CORS preflight, which is never granted, so a request that changes state and
// lacks it did not come from the console (see Proxy).
const CSRFHeader = "X-Connectless-Console"

//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.ParseFS(assets, "assets/page.html"))

// pages maps a page path (after Prefix) to the page's id and title.
var pages = map[string]struct{ id, title string }{
	"":        {"connectors", "Connectors"},
	"new":     {"edit", "New connector"},
	"plugins": {"plugins", "Plugins"},
	"metrics": {"metrics", "Metrics"},
}

// Handler serves the console's pages and assets under Prefix. The pages call the REST API
// at the same origin (the root path).
func Handler() http.Handler {
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded folder exists at build time
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", http.FileServerFS(static)))
	mux.HandleFunc("POST "+Prefix+"convert", convert)
	mux.HandleFunc("GET "+Prefix+"connectors/{name}", func(w http.ResponseWriter, r *http.Request) {
		render(w, "connector", "Connector "+r.PathValue("name"), r.PathValue("name"))
	})
	mux.HandleFunc("GET "+Prefix+"edit/{name}", func(w http.ResponseWriter, r *http.Request) {
		render(w, "edit", "Edit "+r.PathValue("name"), r.PathValue("name"))
	})
	mux.HandleFunc("GET "+Prefix+"archive/{name}", func(w http.ResponseWriter, r *http.Request) {
		render(w, "archive", "Archive of "+r.PathValue("name"), r.PathValue("name"))
	})
	mux.HandleFunc("GET "+Prefix+"{page...}", func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[strings.TrimSuffix(r.PathValue("page"), "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		render(w, p.id, p.title, "")
	})
	mux.HandleFunc("GET /ui", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
	})
	return mux
}

// render writes one page: the layout with the page's id; the script fills it from the API.
func render(w http.ResponseWriter, id, title, name string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	data := struct{ Page, Title, Name string }{id, title, name}
	if err := pageTemplate.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
