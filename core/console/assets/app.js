// connectless console: renders pages from the Kafka Connect REST API (same origin).
"use strict";
(function () {
  const body = document.body;
  const content = document.getElementById("content");
  const flash = document.getElementById("flash");
  const enc = encodeURIComponent;

  // api calls the REST API; it resolves to {ok, status, data} and never throws for HTTP errors.
  async function api(method, path, payload) {
    const opts = { method, headers: { "Accept": "application/json", "X-Connectless-Console": "1" } };
    if (payload !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(payload);
    }
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      return { ok: false, status: 0, data: { message: "network error: " + e.message } };
    }
    const text = await res.text();
    let data = text;
    try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    return { ok: res.ok, status: res.status, data };
  }
  function errText(r) {
    const m = r.data && typeof r.data === "object" ? (r.data.message || JSON.stringify(r.data)) : (r.data || "");
    return "HTTP " + r.status + (m ? ": " + m : "");
  }
  // h builds an element: h("td", {class: "x"}, child, "text").
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }
  function badge(state) { return h("span", { class: "badge " + (state || "UNASSIGNED") }, state || "UNASSIGNED"); }
  function say(msg, bad) {
    flash.replaceChildren(h("p", { class: bad ? "error" : "ok" }, msg));
  }
  function shortClass(c) { return (c || "").split(".").pop(); }
  const secretName = /(password|passwd|secret|token|credential|private\.key|api\.key|sasl\.jaas\.config|access\.key)/i;
  function isSecret(key, types) {
    return types[key] === "PASSWORD" || secretName.test(key);
  }
  // passwordKeys asks the plugin's validation which keys are of type PASSWORD.
  async function keyTypes(config) {
    const types = {};
    const cls = config["connector.class"];
    if (!cls) return types;
    const r = await api("PUT", "/connector-plugins/" + enc(cls) + "/config/validate", config);
    if (r.ok && r.data && r.data.configs) {
      for (const c of r.data.configs) if (c.definition) types[c.definition.name] = c.definition.type;
    }
    return types;
  }
  function taskCounts(tasks) {
    const n = {};
    for (const t of tasks || []) n[t.state] = (n[t.state] || 0) + 1;
    return Object.keys(n).sort().map((s) => h("span", { class: "badge " + s, title: s }, n[s] + " " + s));
  }

  // ---------- Connectors ----------
  async function connectorsPage() {
    const params = new URLSearchParams(location.search);
    const q = h("input", { id: "filter-name", type: "search", value: params.get("q") || "", placeholder: "name contains" });
    const st = h("select", { id: "filter-state" }, h("option", { value: "" }, "any"),
      ["RUNNING", "PAUSED", "STOPPED", "FAILED", "UNASSIGNED"].map((s) => h("option", { value: s }, s)));
    st.value = params.get("state") || "";
    const auto = h("input", { id: "auto-refresh", type: "checkbox", checked: true });
    const tbody = h("tbody", { id: "connectors" });
    const count = h("p", { class: "muted", id: "count" });
    const thead = h("thead", {});
    content.replaceChildren(
      h("div", { class: "filters", role: "search" },
        h("div", {}, h("label", { for: "filter-name" }, "Name"), q),
        h("div", {}, h("label", { for: "filter-state" }, "State"), st),
        h("div", {}, h("label", { for: "auto-refresh" }, auto, " auto-refresh")),
        h("a", { href: "/ui/new" }, "New connector")),
      count,
      h("div", { class: "scroll" }, h("table", { class: "cards" },
        thead, tbody)));
    let rows = [];
    // Schedule and last slice come from a connectless extension (expand=schedule); against
    // a server without it (Apache Kafka Connect ignores the expansion) the columns are left out.
    let scheduled = false;
    const topics = {};
    function draw() {
      const name = q.value.toLowerCase(), state = st.value;
      const keep = new URLSearchParams();
      if (q.value) keep.set("q", q.value);
      if (state) keep.set("state", state);
      history.replaceState(null, "", location.pathname + (keep.toString() ? "?" + keep : ""));
      const shown = rows.filter((r) => r.name.toLowerCase().includes(name) && (!state || r.state === state ||
        r.tasks.some((t) => t.state === state)));
      count.textContent = shown.length + " of " + rows.length + " connectors";
      const cols = ["Name", "Type", "Class", "State", "Tasks", "Topics"].concat(scheduled ? ["Schedule", "Last slice"] : []);
      if (thead.textContent !== cols.join("")) thead.replaceChildren(h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c))));
      tbody.replaceChildren(...shown.map((r) => h("tr", { "data-name": r.name },
        h("td", { "data-label": "Name", class: "wrap" }, h("a", { href: "/ui/connectors/" + enc(r.name) }, r.name)),
        h("td", { "data-label": "Type" }, r.type),
        h("td", { "data-label": "Class", class: "wrap", title: r.cls }, shortClass(r.cls)),
        h("td", { "data-label": "State" }, badge(r.state)),
        h("td", { "data-label": "Tasks" }, taskCounts(r.tasks)),
        h("td", { "data-label": "Topics", class: "wrap" }, (topics[r.name] || []).join(", ")),
        scheduled ? [h("td", { "data-label": "Schedule", class: "schedule" }, r.schedule ? r.schedule.schedule : ""),
          h("td", { "data-label": "Last slice", class: "last-slice" }, lastSlice(r.schedule))] : null)));
    }
    async function load() {
      const r = await api("GET", "/connectors?expand=status&expand=info&expand=schedule");
      if (!r.ok) { say("Could not list connectors: " + errText(r), true); return; }
      tbody.dataset.loads = String(Number(tbody.dataset.loads || 0) + 1);
      rows = Object.entries(r.data || {}).map(([name, v]) => ({
        name,
        type: (v.info && v.info.type) || (v.status && v.status.type) || "",
        cls: (v.info && v.info.config && v.info.config["connector.class"]) || "",
        state: v.status && v.status.connector ? v.status.connector.state : "UNASSIGNED",
        tasks: (v.status && v.status.tasks) || [],
        schedule: v.schedule,
      })).sort((a, b) => a.name.localeCompare(b.name));
      scheduled = rows.some((row) => row.schedule);
      draw();
      await Promise.all(rows.map(async (row) => {
        const t = await api("GET", "/connectors/" + enc(row.name) + "/topics");
        if (t.ok && t.data && t.data[row.name]) topics[row.name] = t.data[row.name].topics || [];
      }));
      draw();
    }
    q.addEventListener("input", draw);
    st.addEventListener("change", draw);
    await load();
    setInterval(() => { if (auto.checked && !document.hidden) load(); }, 5000);
  }

  // ago says how long before now an RFC 3339 time was, roughly: "3 min ago".
  function ago(iso) {
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400 * 2) return Math.round(s / 3600) + " h ago";
    return Math.round(s / 86400) + " days ago";
  }
  // lastSlice shows when a task last wrote its status after a slice, and whether tasks hold
  // their lease now (a slice is running).
  function lastSlice(sc) {
    const now = sc && sc.leased_tasks > 0 ? h("span", { class: "leased" }, "running now (" + sc.leased_tasks + (sc.leased_tasks > 1 ? " tasks)" : " task)")) : null;
    if (!sc || !sc.last_slice) return now || h("span", { class: "muted" }, "none yet");
    return [now, now ? "; " : null, h("time", { datetime: sc.last_slice, title: sc.last_slice + (sc.last_fire ? "; schedule last fired " + sc.last_fire : "") },
      ago(sc.last_slice), sc.last_slice_state && sc.last_slice_state !== "RUNNING" ? [" ", badge(sc.last_slice_state)] : null)];
  }

  // ---------- Connector ----------
  async function connectorPage() {
    const name = body.dataset.name;
    const base = "/connectors/" + enc(name);
    const stateEl = h("span", { id: "state" });
    const tasksEl = h("div", { id: "tasks" });
    const traceEl = h("div", { id: "connector-trace" });
    const configEl = h("div", { id: "config" });
    const topicsEl = h("div", { id: "topics" });
    const offsetsEl = h("div", { id: "offsets" });
    const confirmEl = h("div", { id: "confirm", role: "alert" });
    const archiveEl = h("p", { id: "archive" });
    const includeTasks = h("input", { type: "checkbox", id: "include-tasks" });
    const onlyFailed = h("input", { type: "checkbox", id: "only-failed" });
    let state = "";
    async function act(label, method, path) {
      const r = await api(method, base + path);
      if (r.ok) say(label + ": accepted (HTTP " + r.status + ")");
      else say(label + ": " + errText(r), true);
      await refresh();
    }
    const actions = h("div", { class: "actions" },
      h("button", { id: "pause", onclick: () => act("Pause", "PUT", "/pause") }, "Pause"),
      h("button", { id: "resume", onclick: () => act("Resume", "PUT", "/resume") }, "Resume"),
      h("button", { id: "stop", onclick: () => act("Stop", "PUT", "/stop") }, "Stop"),
      h("button", { id: "restart", onclick: () => act("Restart", "POST", "/restart?includeTasks=" + includeTasks.checked + "&onlyFailed=" + onlyFailed.checked) }, "Restart"),
      h("label", { for: "include-tasks" }, includeTasks, " include tasks"),
      h("label", { for: "only-failed" }, onlyFailed, " only failed"),
      h("a", { href: "/ui/edit/" + enc(name), id: "edit" }, "Edit config"),
      h("button", { id: "delete", class: "danger", onclick: askDelete }, "Delete…"));
    function askDelete() {
      const yes = h("button", { id: "confirm-delete", class: "danger", onclick: async () => {
        const r = await api("DELETE", base);
        if (r.ok) { location.href = "/ui/?deleted=" + enc(name); return; }
        confirmEl.replaceChildren(h("p", { class: "error" }, "Delete: " + errText(r)));
      } }, "Delete " + name);
      const no = h("button", { id: "cancel-delete", onclick: () => confirmEl.replaceChildren() }, "Cancel");
      confirmEl.replaceChildren(h("p", {}, "Delete connector " + name + "? Its configuration and status are removed."), yes, " ", no);
      no.focus();
    }
    content.replaceChildren(h("p", {}, "State: ", stateEl), actions, confirmEl, archiveEl, traceEl,
      h("h2", {}, "Tasks"), tasksEl, h("h2", {}, "Topics"), topicsEl,
      h("h2", {}, "Offsets"), offsetsEl, h("h2", {}, "Configuration"), configEl);
    async function refresh() {
      const s = await api("GET", base + "/status");
      if (!s.ok) { stateEl.replaceChildren(h("span", { class: "error" }, errText(s))); return; }
      state = s.data.connector.state;
      stateEl.replaceChildren(badge(state), " ", h("span", { class: "muted" }, s.data.type || "", " on ", s.data.connector.worker_id || "?"));
      traceEl.replaceChildren(s.data.connector.trace ? h("details", { open: true }, h("summary", {}, "Connector trace"), h("pre", {}, s.data.connector.trace)) : "");
      const tasks = s.data.tasks || [];
      tasksEl.replaceChildren(tasks.length === 0 ? h("p", { class: "muted" }, "No tasks.") :
        h("div", { class: "scroll" }, h("table", { class: "cards" },
          h("thead", {}, h("tr", {}, ["Task", "State", "Worker", ""].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, tasks.map((t) => [
            h("tr", { "data-task": t.id },
              h("td", { "data-label": "Task" }, String(t.id)),
              h("td", { "data-label": "State" }, badge(t.state)),
              h("td", { "data-label": "Worker", class: "wrap" }, t.worker_id || ""),
              h("td", {}, h("button", { onclick: () => act("Restart task " + t.id, "POST", "/tasks/" + t.id + "/restart") }, "Restart task " + t.id))),
            t.trace ? h("tr", {}, h("td", { colspan: 4 }, h("details", { open: t.state === "FAILED", class: "task-trace" },
              h("summary", {}, "Trace of task " + t.id), h("pre", {}, t.trace)))) : null,
          ])))));
      if (s.data.type === "sink" && !archiveEl.dataset.probed) {
        // A connectless extension: shown only when the server lists this connector's archive.
        archiveEl.dataset.probed = "1";
        const a = await api("GET", base + "/archive");
        if (a.ok && Array.isArray(a.data)) archiveEl.replaceChildren(h("a", { href: "/ui/archive/" + enc(name), id: "archive-link" },
          "Archive: " + a.data.length + " objects"));
      }
      const tp = await api("GET", base + "/topics");
      topicsEl.replaceChildren(tp.ok ? h("p", { class: "wrap" }, ((tp.data[name] && tp.data[name].topics) || []).join(", ") || "none recorded")
        : h("p", { class: "muted" }, "Not available: " + errText(tp)),
        tp.ok ? h("button", { id: "reset-topics", onclick: () => act("Reset topics", "PUT", "/topics/reset") }, "Reset active topics") : null);
      // Offsets are read again only when the state changes (or on Reload), so that the
      // periodic refresh never replaces what the user is editing.
      if (offsetsEl.dataset.state !== state) await loadOffsets();
    }
    async function loadOffsets() {
      const o = await api("GET", base + "/offsets");
      const area = h("textarea", { id: "offsets-json", rows: 8, "aria-label": "Offsets (JSON)", spellcheck: "false",
      }, o.ok ? JSON.stringify(o.data, null, 2) : "");
      const result = h("div", { id: "offsets-result", role: "status" });
      const stopped = state === "STOPPED";
      offsetsEl.dataset.state = state;
      async function send(method, payload) {
        const r = await api(method, base + "/offsets", payload);
        result.replaceChildren(h("p", { class: r.ok ? "ok" : "error" }, r.ok ? (r.data && r.data.message) || "done" : errText(r)));
      }
      offsetsEl.replaceChildren(
        o.ok ? "" : h("p", { class: "error" }, errText(o)),
        h("p", { class: "muted" }, stopped ? "The connector is STOPPED: offsets can be altered or reset."
          : "Offsets can be altered or reset only while the connector is STOPPED."),
        area,
        h("div", { class: "actions" },
          h("button", { id: "alter-offsets", disabled: !stopped, onclick: () => {
            let payload;
            try { payload = JSON.parse(area.value); } catch (e) {
              result.replaceChildren(h("p", { class: "error" }, "Not JSON: " + e.message)); return;
            }
            send("PATCH", payload);
          } }, "Alter offsets"),
          h("button", { id: "reset-offsets", class: "danger", disabled: !stopped, onclick: () => send("DELETE") }, "Reset offsets"),
          h("button", { id: "reload-offsets", onclick: loadOffsets }, "Reload")),
        result);
    }
    const c = await api("GET", base + "/config");
    if (!c.ok) { configEl.replaceChildren(h("p", { class: "error" }, errText(c))); }
    else {
      const types = await keyTypes(c.data);
      configEl.replaceChildren(h("dl", { class: "kv" }, Object.keys(c.data).sort().map((k) => {
        const v = c.data[k];
        const hide = isSecret(k, types) && !/^\$\{[^}]*\}$/.test(v);
        return [h("dt", {}, k), h("dd", { "data-key": k }, hide ? h("span", { class: "hidden-secret" }, "hidden") : v)];
      })));
    }
    await refresh();
    setInterval(() => { if (!document.hidden) refresh(); }, 4000);
  }

  // ---------- Create / edit ----------
  async function editPage() {
    const name = body.dataset.name;
    let existing = null;
    if (name) {
      const c = await api("GET", "/connectors/" + enc(name) + "/config");
      if (!c.ok) { content.replaceChildren(h("p", { class: "error" }, errText(c))); return; }
      existing = c.data;
    }
    const pl = await api("GET", "/connector-plugins?connectorsOnly=true");
    if (!pl.ok) { content.replaceChildren(h("p", { class: "error" }, "Plugins: " + errText(pl))); return; }
    const plugin = h("select", { id: "plugin", disabled: !!existing }, h("option", { value: "" }, "choose a connector plugin"),
      pl.data.map((p) => h("option", { value: p.class }, shortClass(p.class) + " (" + p.type + ", " + p.version + ")")));
    const form = h("form", { id: "config-form", novalidate: true });
    const summary = h("div", { id: "validation", role: "status", "aria-live": "polite" });
    const raw = h("textarea", { id: "raw-json", rows: 12, spellcheck: "false", "aria-label": "Configuration as JSON" });
    const rawYAML = h("textarea", { id: "raw-yaml", rows: 12, spellcheck: "false", "aria-label": "Configuration as YAML" });
    const result = h("div", { id: "submit-result", role: "alert" });
    const values = {};          // what the user set, by key
    const secrets = {};         // the stored values of PASSWORD keys, never put into the page
    let defs = [];
    const submit = h("button", { id: "submit", class: "primary", type: "button", onclick: save }, existing ? "Save configuration" : "Create connector");
    const dry = h("pre", { id: "dry-run-diff", hidden: true });
    const dryButton = h("button", { id: "dry-run", type: "button", onclick: dryRun }, "Dry run");
    content.replaceChildren(h("div", { class: "field" }, h("label", { for: "plugin" }, "Plugin"), plugin),
      form, summary, h("div", { class: "actions" }, submit, dryButton), dry, result,
      h("details", { id: "raw" }, h("summary", {}, "Raw JSON editor"), raw,
        h("div", { class: "actions" }, h("button", { type: "button", id: "raw-apply", onclick: applyRaw }, "Use this JSON"))),
      // YAML is converted by the console's own server (POST /ui/convert), as `connectless apply` reads it.
      h("details", { id: "raw-y", ontoggle: syncYAML }, h("summary", {}, "Raw YAML editor"), rawYAML,
        h("div", { class: "actions" }, h("button", { type: "button", id: "raw-yaml-apply", onclick: applyYAML }, "Use this YAML"))));
    function config() {
      const out = {};
      for (const [k, v] of Object.entries(values)) if (v !== "") out[k] = v;
      for (const [k, v] of Object.entries(secrets)) if (!(k in out)) out[k] = v;
      out["connector.class"] = plugin.value;
      return out;
    }
    function syncRaw() {
      const shown = {};
      for (const [k, v] of Object.entries(config())) shown[k] = k in secrets && values[k] === undefined ? "(unchanged secret)" : v;
      raw.value = JSON.stringify(shown, null, 2);
      syncYAML();
    }
    async function syncYAML() {
      if (!document.getElementById("raw-y") || !document.getElementById("raw-y").open) return;
      const r = await fetch("/ui/convert?to=yaml", { method: "POST", headers: { "Content-Type": "application/json" }, body: raw.value });
      if (r.ok) rawYAML.value = await r.text();
    }
    async function applyYAML() {
      const r = await fetch("/ui/convert?to=json", { method: "POST", headers: { "Content-Type": "application/yaml" }, body: rawYAML.value });
      const data = await r.json().catch(() => ({ message: "HTTP " + r.status }));
      if (!r.ok) { result.replaceChildren(h("p", { class: "error" }, "YAML: " + data.message)); return; }
      result.replaceChildren();
      useConfig(data.config);
    }
    function applyRaw() {
      let obj;
      try { obj = JSON.parse(raw.value); } catch (e) { result.replaceChildren(h("p", { class: "error" }, "Not JSON: " + e.message)); return; }
      useConfig(obj);
    }
    function useConfig(obj) {
      for (const k of Object.keys(values)) delete values[k];
      for (const [k, v] of Object.entries(obj)) {
        if (k === "connector.class") { plugin.value = v; continue; }
        if (v === "(unchanged secret)") continue;
        values[k] = String(v);
      }
      build(true);
    }
    let timer = null;
    function schedule() { clearTimeout(timer); timer = setTimeout(validate, 300); }
    async function validate() {
      if (!plugin.value) return;
      const r = await api("PUT", "/connector-plugins/" + enc(plugin.value) + "/config/validate", config());
      if (!r.ok) { summary.replaceChildren(h("p", { class: "error" }, "Validation: " + errText(r))); return; }
      // Entries without a definition carry errors on keys the form has no field for (a
      // preflight problem on bootstrap.servers, say): the summary lists them.
      const defined = r.data.configs.filter((c) => c.definition);
      const loose = r.data.configs.filter((c) => !c.definition && c.value && (c.value.errors || []).length)
        .map((c) => h("p", { class: "error" }, c.value.name + ": " + c.value.errors.join(" ")));
      const names = defined.map((c) => c.definition.name).join("\n");
      if (names !== defs.map((c) => c.definition.name).join("\n")) { defs = defined; render(); }
      for (const c of defined) {
        const f = form.querySelector('[data-key="' + CSS.escape(c.definition.name) + '"]');
        if (!f) continue;
        const errs = (c.value && c.value.errors) || [];
        f.classList.toggle("invalid", errs.length > 0);
        f.hidden = c.value && c.value.visible === false;
        f.querySelector(".err").textContent = errs.join(" ");
        const input = f.querySelector("input, select");
        input.setAttribute("aria-invalid", errs.length > 0 ? "true" : "false");
        const dl = f.querySelector("datalist");
        if (dl && c.value) dl.replaceChildren(...(c.value.recommended_values || []).map((v) => h("option", { value: v })));
      }
      summary.replaceChildren(r.data.error_count ? h("p", { class: "error" }, r.data.error_count + " field(s) with errors")
        : h("p", { class: "ok" }, "Configuration is valid"), ...loose);
      syncRaw();
    }
    function render() {
      const focus = document.activeElement && document.activeElement.id;
      const groups = new Map();
      const sorted = defs.slice().sort((a, b) => (a.definition.order_in_group ?? 0) - (b.definition.order_in_group ?? 0));
      for (const c of sorted) {
        const g = c.definition.group || "Other";
        if (!groups.has(g)) groups.set(g, []);
        groups.get(g).push(c);
      }
      form.replaceChildren(...[...groups.entries()].map(([g, cs]) => h("fieldset", {}, h("legend", {}, g), cs.map(field))));
      if (focus && document.getElementById(focus)) document.getElementById(focus).focus();
    }
    function field(c) {
      const d = c.definition, key = d.name, id = "f-" + key.replace(/[^A-Za-z0-9_-]/g, "_");
      const recommended = (c.value && c.value.recommended_values) || [];
      const secret = d.type === "PASSWORD";
      let input;
      const common = { id, name: key, "aria-describedby": id + "-doc " + id + "-err" };
      if (d.type === "BOOLEAN") {
        input = h("select", common, h("option", { value: "" }, "default" + (d.default_value != null ? " (" + d.default_value + ")" : "")),
          h("option", { value: "true" }, "true"), h("option", { value: "false" }, "false"));
      } else {
        input = h("input", Object.assign({}, common, {
          type: secret ? "password" : "text", autocomplete: secret ? "new-password" : "off",
          inputmode: /^(INT|LONG|SHORT|DOUBLE)$/.test(d.type) ? "decimal" : undefined,
          list: recommended.length ? id + "-list" : undefined,
          placeholder: secret && secrets[key] !== undefined ? "unchanged (hidden)" : (d.default_value != null && d.default_value !== "" ? d.default_value : ""),
        }));
      }
      if (key === "name" && existing) input.disabled = true;
      if (values[key] !== undefined) input.value = values[key];
      input.addEventListener("input", () => { values[key] = input.value; schedule(); });
      input.addEventListener("change", () => { values[key] = input.value; schedule(); });
      return h("div", { class: "field", "data-key": key },
        h("label", { for: id }, d.display_name || key, d.required ? " *" : "", " ", h("span", { class: "muted" }, "(" + key + ", " + d.type + ")")),
        input,
        recommended.length ? h("datalist", { id: id + "-list" }, recommended.map((v) => h("option", { value: v }))) : null,
        h("p", { class: "doc", id: id + "-doc" }, d.documentation || ""),
        h("p", { class: "err", id: id + "-err" }));
    }
    async function build(keep) {
      if (!keep) for (const k of Object.keys(values)) if (k !== "name") delete values[k];
      defs = [];
      form.replaceChildren();
      if (plugin.value) await validate();
    }
    // dryRun validates and shows what saving would change, key by key, without saving;
    // secrets are named, never shown.
    async function dryRun() {
      await validate();
      const now = config(), before = existing || {};
      const show = (k, v) => (k in secrets || isSecret(k, Object.fromEntries(defs.map((c) => [c.definition.name, c.definition.type]))) ? "(hidden)" : v);
      const lines = [];
      for (const k of [...new Set([...Object.keys(before), ...Object.keys(now)])].sort()) {
        if (!(k in before)) lines.push("+ " + k + " = " + show(k, now[k]));
        else if (!(k in now)) lines.push("- " + k);
        else if (before[k] !== now[k]) lines.push("~ " + k + ": " + show(k, before[k]) + " -> " + show(k, now[k]));
      }
      dry.hidden = false;
      dry.textContent = (existing ? "Changes to " + name : "New connector") + " (nothing saved):\n" + (lines.join("\n") || "no changes");
    }
    async function save() {
      const cfg = config();
      const n = existing ? name : cfg.name;
      if (!n) { result.replaceChildren(h("p", { class: "error" }, "The connector needs a name.")); return; }
      const r = existing ? await api("PUT", "/connectors/" + enc(n) + "/config", cfg)
        : await api("POST", "/connectors", { name: n, config: cfg });
      if (!r.ok) { result.replaceChildren(h("p", { class: "error" }, errText(r))); return; }
      location.href = "/ui/connectors/" + enc(n);
    }
    plugin.addEventListener("change", () => build(false));
    if (existing) {
      const types = await keyTypes(existing);
      for (const [k, v] of Object.entries(existing)) {
        if (k === "connector.class") continue;
        if (types[k] === "PASSWORD") secrets[k] = v; else values[k] = v;
      }
      plugin.value = existing["connector.class"];
      await build(true);
    } else {
      const want = new URLSearchParams(location.search).get("plugin");
      if (want) { plugin.value = want; await build(false); }
    }
  }

  // ---------- Plugins ----------
  async function pluginsPage() {
    const r = await api("GET", "/connector-plugins?connectorsOnly=false");
    if (!r.ok) { content.replaceChildren(h("p", { class: "error" }, errText(r))); return; }
    content.replaceChildren(h("p", { class: "muted" }, r.data.length + " plugins"), h("div", { class: "scroll" }, h("table", { class: "cards" },
      h("thead", {}, h("tr", {}, ["Class", "Type", "Version"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, r.data.map((p) => {
        const ref = h("div", {});
        return [h("tr", { "data-class": p.class },
          h("td", { "data-label": "Class", class: "wrap" }, h("details", { ontoggle: async (ev) => {
            if (!ev.target.open || ref.childElementCount) return;
            const c = await api("GET", "/connector-plugins/" + enc(p.class) + "/config");
            ref.replaceChildren(c.ok ? h("dl", { class: "kv" }, c.data.map((d) => [h("dt", {}, d.name),
              h("dd", {}, d.type + (d.default_value != null ? ", default " + d.default_value : "") + (d.required ? ", required" : "") + ". " + (d.documentation || ""))]))
              : h("p", { class: "muted" }, errText(c)));
          } }, h("summary", {}, p.class), ref)),
          h("td", { "data-label": "Type" }, p.type),
          h("td", { "data-label": "Version" }, p.version || ""))];
      })))));
  }

  const pages = { connectors: connectorsPage, connector: connectorPage, edit: editPage, plugins: pluginsPage };
  // Pages in their own script (loaded before this one) get the helpers.
  const ui = { api, h, say, errText, enc, badge, body, content };
  for (const [id, page] of Object.entries(window.connectlessPages || {})) pages[id] = () => page(ui);
  (pages[body.dataset.page] || connectorsPage)().then(() => body.setAttribute("data-ready", "1"),
    (e) => say("Console error: " + e.message, true));
})();
