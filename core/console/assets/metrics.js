// connectless console: the Metrics page, read from the worker's GET /metrics (Prometheus
// text): per connector its throughput, its lag and its slices' durations, each with a small
// chart of the last samples, then every series.
"use strict";
(function () {
  // Records a connector moved: written to Kafka by a source, sent to the system by a sink.
  const flow = ["kafka_connect_source_task_source_record_write_total", "kafka_connect_sink_task_sink_record_send_total"];
  const lagRecords = "connectless_sink_task_records_lag";
  const sliceSeconds = "connectless_task_slice_duration_seconds";
  const gauge = "connectless_task_gauge";
  const keep = 30; // samples per chart

  // parseMetrics reads the Prometheus text format into [{name, labels, value, line}].
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split("\n")) {
      if (!line || line.startsWith("#")) continue;
      const m = /^([A-Za-z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      for (const l of (m[3] || "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
      out.push({ name: m[1], labels, value: Number(m[4]), line });
    }
    return out;
  }
  // sparkline draws points as a line scaled to their maximum; label says what they are.
  function sparkline(points, label) {
    const w = 120, hgt = 28, max = Math.max(1e-9, ...points);
    const xy = points.map((p, i) => (points.length < 2 ? 0 : (i * w) / (points.length - 1)).toFixed(1) + "," + (hgt - (p / max) * hgt).toFixed(1));
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + hgt);
    svg.setAttribute("width", w); svg.setAttribute("height", hgt);
    svg.setAttribute("role", "img"); svg.setAttribute("aria-label", label + ", last " + points.length + " samples");
    const pl = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    pl.setAttribute("points", xy.join(" ")); pl.setAttribute("fill", "none");
    pl.setAttribute("stroke", "currentColor"); pl.setAttribute("stroke-width", "1.5");
    svg.append(pl);
    return svg;
  }
  function seconds(s) {
    if (!isFinite(s)) return "–";
    return s < 1 ? Math.round(s * 1000) + " ms" : s.toFixed(s < 10 ? 2 : 0) + " s";
  }

  window.connectlessPages = window.connectlessPages || {};
  window.connectlessPages.metrics = async function (ui) {
    const { h, enc, content } = ui;
    const every = Math.max(1, Number(new URLSearchParams(location.search).get("every")) || 5);
    const q = h("input", { id: "metric-filter", type: "search", placeholder: "metric or label contains" });
    const conns = h("tbody", { id: "throughput" });
    const tbody = h("tbody", { id: "series" });
    const note = h("p", { class: "muted" });
    content.replaceChildren(note,
      h("h2", {}, "By connector"),
      h("div", { class: "scroll" }, h("table", { class: "cards" }, h("thead", {}, h("tr", {},
        ["Connector", "Records", "Records/s", "Lag", "Slices", "Slice duration"].map((c) => h("th", { scope: "col" }, c)))), conns)),
      h("h2", {}, "All series"),
      h("div", { class: "filters" }, h("div", {}, h("label", { for: "metric-filter" }, "Filter"), q)),
      h("div", { class: "scroll" }, h("table", { class: "cards" }, h("thead", {}, h("tr", {}, h("th", {}, "Series"), h("th", {}, "Value"))), tbody)));
    let series = [];
    const past = {}; // connector -> [{t, total, lag, slices, sliceSum}]
    function draw() {
      const f = q.value.toLowerCase();
      tbody.replaceChildren(...series.filter((m) => m.line.toLowerCase().includes(f)).slice(0, 500).map((m) =>
        h("tr", {}, h("td", { class: "wrap", "data-label": "Series" }, m.line.slice(0, m.line.lastIndexOf(" "))), h("td", { "data-label": "Value" }, String(m.value)))));
    }
    // totals sums each connector's series over its tasks.
    function totals() {
      const by = {};
      const of = (c) => (by[c] = by[c] || { total: 0, lag: null, gauges: {}, slices: 0, sliceSum: 0 });
      for (const m of series) {
        const c = m.labels.connector;
        if (!c) continue;
        if (flow.includes(m.name)) of(c).total += m.value;
        else if (m.name === lagRecords) of(c).lag = (of(c).lag || 0) + m.value;
        else if (m.name === sliceSeconds + "_count") of(c).slices += m.value;
        else if (m.name === sliceSeconds + "_sum") of(c).sliceSum += m.value;
        else if (m.name === gauge && /lag/.test(m.labels.name || "")) of(c).gauges[m.labels.name] = (of(c).gauges[m.labels.name] || 0) + m.value;
      }
      return by;
    }
    async function sample() {
      const r = await fetch("/metrics", { headers: { "X-Connectless-Console": "1" } });
      if (!r.ok) { note.textContent = "This server offers no /metrics (HTTP " + r.status + ")."; return; }
      series = parseMetrics(await r.text());
      note.textContent = series.length + " series; sampled every " + every + " s.";
      const now = Date.now(), by = totals();
      conns.replaceChildren(...Object.keys(by).sort().map((c) => {
        const cur = by[c];
        const hs = (past[c] = (past[c] || []).concat([{ t: now, ...cur }]).slice(-keep));
        const steps = hs.slice(1).map((p, i) => ({ dt: (p.t - hs[i].t) / 1000, p, q: hs[i] }));
        const rates = steps.map((s) => Math.max(0, (s.p.total - s.q.total) / s.dt));
        const durations = steps.filter((s) => s.p.slices > s.q.slices).map((s) => (s.p.sliceSum - s.q.sliceSum) / (s.p.slices - s.q.slices));
        const lags = hs.filter((p) => p.lag !== null).map((p) => p.lag);
        const gauges = Object.entries(cur.gauges).map(([n, v]) => n + " " + v);
        return h("tr", { "data-connector": c },
          h("td", { "data-label": "Connector", class: "wrap" }, h("a", { href: "/ui/connectors/" + enc(c) }, c)),
          h("td", { "data-label": "Records", class: "total" }, String(cur.total)),
          h("td", { "data-label": "Records/s", class: "rate" }, rates.length ? rates[rates.length - 1].toFixed(1) : "–", " ",
            rates.length > 1 ? sparkline(rates, "records per second") : null),
          h("td", { "data-label": "Lag", class: "lag wrap" }, cur.lag === null ? "–" : cur.lag + " records", gauges.length ? " " + gauges.join(", ") : "", " ",
            lags.length > 1 ? sparkline(lags, "records lag") : null),
          h("td", { "data-label": "Slices", class: "slices" }, String(cur.slices)),
          h("td", { "data-label": "Slice duration", class: "slice-time" },
            cur.slices ? "avg " + seconds(cur.sliceSum / cur.slices) : "–", " ",
            durations.length > 1 ? sparkline(durations, "average slice duration in seconds") : null));
      }));
      draw();
    }
    q.addEventListener("input", draw);
    await sample();
    setInterval(() => { if (!document.hidden) sample(); }, every * 1000);
  };
})();
