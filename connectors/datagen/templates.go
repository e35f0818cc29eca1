package datagen

import (
	"encoding/hex"
	"slices"
	"strconv"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Template generates the records of one quickstart: record i from its own generator r and
// the record's time, which is wall-clock time, or a fixed clock when random.seed is set.
type Template struct {
	// Name is the quickstart name.
	Name string
	// KeyField is the value field copied into the key (Confluent's schema.keyfield).
	KeyField    string
	KeySchema   *connect.Schema
	ValueSchema *connect.Schema
	gen         func(r *rng, i int64, at time.Time) *connect.Struct
}

// Quickstarts returns the names of the built-in templates, sorted.
func Quickstarts() []string {
	var out []string
	for _, t := range templates() {
		out = append(out, t.Name)
	}
	slices.Sort(out)
	return out
}

// quickstart returns the named built-in template.
func quickstart(name string) (*Template, bool) {
	for _, t := range templates() {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

func templates() []*Template {
	return []*Template{appLogs(), users(), pageviews(), orders(), clickstream()}
}

// Confluent's quickstart time range for registertime and ordertime.
const (
	minEpochMillis = 1487715775521
	maxEpochMillis = 1519273364600
)

func numbered(prefix string, lo, hi int) []string {
	out := make([]string, 0, hi-lo+1)
	for n := lo; n <= hi; n++ {
		out = append(out, prefix+strconv.Itoa(n))
	}
	return out
}

func users() *Template {
	s := connect.StructBuilder().Name("ksql.users").
		Field("registertime", connect.Int64Schema()).
		Field("userid", connect.StringSchema()).
		Field("regionid", connect.StringSchema()).
		Field("gender", connect.StringSchema()).Build()
	userIDs, regions, genders := numbered("User_", 1, 9), numbered("Region_", 1, 9), []string{"MALE", "FEMALE", "OTHER"}
	return &Template{Name: "users", KeyField: "userid", KeySchema: connect.StringSchema(), ValueSchema: s,
		gen: func(r *rng, _ int64, _ time.Time) *connect.Struct {
			v := connect.NewStruct(s)
			v.MustPut("registertime", r.between(minEpochMillis, maxEpochMillis))
			v.MustPut("userid", pick(r, userIDs))
			v.MustPut("regionid", pick(r, regions))
			v.MustPut("gender", pick(r, genders))
			return v
		}}
}

func pageviews() *Template {
	s := connect.StructBuilder().Name("ksql.pageviews").
		Field("viewtime", connect.Int64Schema()).
		Field("userid", connect.StringSchema()).
		Field("pageid", connect.StringSchema()).Build()
	userIDs, pages := numbered("User_", 1, 9), numbered("Page_", 1, 99)
	return &Template{Name: "pageviews", KeyField: "viewtime", KeySchema: connect.Int64Schema(), ValueSchema: s,
		gen: func(r *rng, i int64, _ time.Time) *connect.Struct {
			v := connect.NewStruct(s)
			v.MustPut("viewtime", 1+10*i) // Confluent's iteration: start 1, step 10
			v.MustPut("userid", pick(r, userIDs))
			v.MustPut("pageid", pick(r, pages))
			return v
		}}
}

func orders() *Template {
	addr := connect.StructBuilder().Name("ksql.address").
		Field("city", connect.StringSchema()).
		Field("state", connect.StringSchema()).
		Field("zipcode", connect.Int64Schema()).Build()
	s := connect.StructBuilder().Name("ksql.orders").
		Field("ordertime", connect.Int64Schema()).
		Field("orderid", connect.Int32Schema()).
		Field("itemid", connect.StringSchema()).
		Field("orderunits", connect.Float64Schema()).
		Field("address", addr).Build()
	items, cities, states := numbered("Item_", 1, 999), numbered("City_", 1, 99), numbered("State_", 1, 99)
	return &Template{Name: "orders", KeyField: "orderid", KeySchema: connect.Int32Schema(), ValueSchema: s,
		gen: func(r *rng, i int64, _ time.Time) *connect.Struct {
			a := connect.NewStruct(addr)
			a.MustPut("city", pick(r, cities))
			a.MustPut("state", pick(r, states))
			a.MustPut("zipcode", r.between(10000, 99999))
			v := connect.NewStruct(s)
			v.MustPut("ordertime", r.between(minEpochMillis, maxEpochMillis))
			v.MustPut("orderid", int32(i)) // Confluent's iteration: start 0
			v.MustPut("itemid", pick(r, items))
			v.MustPut("orderunits", 0.1+r.float()*9.9)
			v.MustPut("address", a)
			return v
		}}
}

func clickstream() *Template {
	s := connect.StructBuilder().Name("ksql.clickstream").
		Field("ip", connect.StringSchema()).
		Field("userid", connect.Int32Schema()).
		Field("remote_user", connect.StringSchema()).
		Field("time", connect.StringSchema()).
		Field("_time", connect.Int64Schema()).
		Field("request", connect.StringSchema()).
		Field("status", connect.StringSchema()).
		Field("bytes", connect.StringSchema()).
		Field("referrer", connect.StringSchema()).
		Field("agent", connect.StringSchema()).Build()
	ips := []string{"111.152.45.45", "111.203.236.146", "111.168.57.122", "111.249.79.93", "111.90.225.227",
		"111.173.165.103", "111.145.8.144", "111.245.174.248", "111.245.174.111", "222.152.45.45",
		"222.203.236.146", "222.168.57.122", "222.249.79.93", "222.90.225.227", "222.173.165.103",
		"222.145.8.144", "222.245.174.248", "222.245.174.222", "122.152.45.245", "122.203.236.246",
		"122.168.57.222", "122.249.79.233", "122.90.225.227", "122.173.165.203", "122.145.8.244",
		"122.245.174.248", "122.245.174.122", "233.152.245.45", "233.203.236.146", "233.168.257.122",
		"233.249.279.93", "233.90.225.227", "233.173.215.103", "233.145.28.144", "233.245.174.248",
		"233.245.174.233"}
	requests := []string{"GET /index.html HTTP/1.1", "GET /site/user_status.html HTTP/1.1",
		"GET /site/login.html HTTP/1.1", "GET /site/user_status.html HTTP/1.1", "GET /images/track.png HTTP/1.1",
		"GET /images/logo-small.png HTTP/1.1"}
	statuses := []string{"200", "302", "404", "405", "406", "407"}
	sizes := []string{"278", "1289", "2048", "4096", "4006", "4196", "14096"}
	agents := []string{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/59.0.3071.115 Safari/537.36"}
	return &Template{Name: "clickstream", KeyField: "ip", KeySchema: connect.StringSchema(), ValueSchema: s,
		gen: func(r *rng, i int64, _ time.Time) *connect.Struct {
			sec := 1553126400 + 10*i // Confluent's iteration over _time
			v := connect.NewStruct(s)
			v.MustPut("ip", pick(r, ips))
			v.MustPut("userid", int32(r.between(-1, 40)))
			v.MustPut("remote_user", "-")
			v.MustPut("time", time.Unix(sec, 0).UTC().Format("02/Jan/2006:15:04:05 -0700"))
			v.MustPut("_time", sec)
			v.MustPut("request", pick(r, requests))
			v.MustPut("status", pick(r, statuses))
			v.MustPut("bytes", pick(r, sizes))
			v.MustPut("referrer", "-")
			v.MustPut("agent", pick(r, agents))
			return v
		}}
}

// logService is one service of the applogs template with its hosts and endpoints.
type logService struct {
	name  string
	hosts []string
	paths []string // a trailing '/' gets a numeric id appended
}

// logMessage is one message shape: its level, the HTTP statuses it goes with, and latency bounds.
type logMessage struct {
	level      string
	text       string
	statuses   []int32
	minLatency int64
	maxLatency int64
}

func appLogs() *Template {
	httpSchema := connect.StructBuilder().Name("connectless.applogs.http").
		Field("method", connect.StringSchema()).
		Field("path", connect.StringSchema()).
		Field("status", connect.Int32Schema()).
		Field("latency_ms", connect.Int64Schema()).Build()
	s := connect.StructBuilder().Name("connectless.applogs").
		Field("ts", connect.StringSchema()).
		Field("level", connect.StringSchema()).
		Field("service", connect.StringSchema()).
		Field("host", connect.StringSchema()).
		Field("trace_id", connect.StringSchema()).
		Field("msg", connect.StringSchema()).
		Field("http", httpSchema).Build()
	services := []logService{
		{name: "checkout", paths: []string{"/v1/checkout", "/v1/checkout/", "/v1/cart/"}},
		{name: "payments", paths: []string{"/v1/payments", "/v1/payments/", "/v1/refunds/"}},
		{name: "catalog", paths: []string{"/v1/products/", "/v1/categories/", "/v1/products"}},
		{name: "search", paths: []string{"/v1/search", "/v1/suggest"}},
		{name: "auth", paths: []string{"/v1/login", "/v1/token", "/v1/users/"}},
		{name: "shipping", paths: []string{"/v1/shipments/", "/v1/rates"}},
		{name: "inventory", paths: []string{"/v1/stock/", "/v1/reservations"}},
		{name: "recommendations", paths: []string{"/v1/recommendations/", "/v1/similar/"}},
	}
	pods := []string{"x2k4p", "q8w3n", "m4t7z", "h2j9r"}
	for i := range services {
		for _, p := range pods {
			services[i].hosts = append(services[i].hosts, services[i].name+"-"+p)
		}
	}
	ok := []int32{200, 200, 200, 201, 204}
	messages := []logMessage{
		{"INFO", "request completed", ok, 2, 120},
		{"INFO", "request completed", ok, 2, 120},
		{"INFO", "request completed", ok, 2, 120},
		{"INFO", "cache hit", []int32{200}, 1, 5},
		{"INFO", "order confirmed", ok, 10, 80},
		{"INFO", "user session refreshed", []int32{200}, 3, 30},
		{"INFO", "event published", []int32{202}, 5, 40},
		{"DEBUG", "cache miss", ok, 15, 200},
		{"DEBUG", "pool stats active=12 idle=4", []int32{200}, 1, 10},
		{"WARN", "slow query", ok, 500, 2500},
		{"WARN", "retrying after upstream timeout", []int32{200, 504}, 1000, 5000},
		{"WARN", "rate limit near", []int32{429}, 1, 10},
		{"ERROR", "upstream service unavailable", []int32{502, 503}, 30, 3000},
		{"ERROR", "payment declined by issuer", []int32{402}, 80, 400},
		{"ERROR", "unhandled exception", []int32{500}, 5, 300},
	}
	methods := []string{"GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"}
	return &Template{Name: "applogs", KeyField: "host", KeySchema: connect.StringSchema(), ValueSchema: s,
		gen: func(r *rng, _ int64, at time.Time) *connect.Struct {
			var buf [64]byte
			svc := &services[r.intn(len(services))]
			m := &messages[r.intn(len(messages))]
			path := pick(r, svc.paths)
			if path[len(path)-1] == '/' {
				path = string(strconv.AppendInt(append(buf[:0], path...), r.between(1000, 99999), 10))
			}
			var id [8]byte
			a := r.next()
			for k := range 8 {
				id[k] = byte(a >> (8 * k))
			}
			h := connect.NewStruct(httpSchema)
			h.MustPut("method", pick(r, methods))
			h.MustPut("path", path)
			h.MustPut("status", pick(r, m.statuses))
			h.MustPut("latency_ms", r.between(m.minLatency, m.maxLatency))
			v := connect.NewStruct(s)
			v.MustPut("ts", string(at.UTC().AppendFormat(buf[:0], "2006-01-02T15:04:05.000Z07:00")))
			v.MustPut("level", m.level)
			v.MustPut("service", svc.name)
			v.MustPut("host", pick(r, svc.hosts))
			v.MustPut("trace_id", string(hex.AppendEncode(buf[:0], id[:])))
			v.MustPut("msg", m.text)
			v.MustPut("http", h)
			return v
		}}
}
