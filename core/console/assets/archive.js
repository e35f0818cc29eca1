// connectless console: the Archive page of a sink connector that writes one (a connectless
// extension, GET /connectors/{c}/archive), with "restore this range" through an S3 source.
"use strict";
(function () {
  const sourceClass = "io.connectless.s3.S3SourceConnector";
  // Keys the source takes over from the sink: the plugin's own keys, less what names the
  // connector and what the restore chooses (a restore runs now, not on the sink's schedule).
  const notCopied = ["name", "connector.class", "topics", "topics.regex", "tasks.max", "schedule"];
  const converter = /^(key|value|header)\.converter(\.|$)/;

  window.connectlessPages = window.connectlessPages || {};
  window.connectlessPages.archive = async function (ui) {
    const { api, h, say, errText, enc, body, content } = ui;
    const name = body.dataset.name;
    const base = "/connectors/" + enc(name);
    const topicIn = h("input", { id: "archive-topic", type: "search", placeholder: "every topic" });
    const partIn = h("input", { id: "archive-partition", type: "number", min: "0", placeholder: "every partition" });
    const tbody = h("tbody", { id: "objects" });
    const summary = h("p", { class: "muted", id: "archive-summary" });
    const form = h("div", { id: "restore" });
    content.replaceChildren(
      h("p", {}, h("a", { href: "/ui/connectors/" + enc(name) }, "Connector " + name)),
      h("div", { class: "filters", role: "search" },
        h("div", {}, h("label", { for: "archive-topic" }, "Topic"), topicIn),
        h("div", {}, h("label", { for: "archive-partition" }, "Partition"), partIn),
        h("button", { id: "archive-list", onclick: () => load() }, "List")),
      summary,
      h("div", { class: "scroll" }, h("table", { class: "cards" },
        h("thead", {}, h("tr", {}, ["Topic", "Partition", "Time bucket", "Size", "Records", "First offset", "Last offset", ""].map((c) => h("th", { scope: "col" }, c)))),
        tbody)),
      h("h2", {}, "Restore"), form);
    const num = (v) => (v === null || v === undefined ? "–" : String(v));
    function size(n) {
      if (n < 1024) return n + " B";
      if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
      return (n / 1024 / 1024).toFixed(1) + " MiB";
    }
    async function load() {
      const q = new URLSearchParams();
      if (topicIn.value) q.set("topic", topicIn.value);
      if (partIn.value !== "") q.set("partition", partIn.value);
      const r = await api("GET", base + "/archive" + (q.toString() ? "?" + q : ""));
      if (!r.ok) {
        summary.textContent = r.status === 404 ? "This server lists no archive for " + name + " (" + errText(r) + ")." : "";
        if (r.status !== 404) say("Could not list the archive: " + errText(r), true);
        tbody.replaceChildren();
        return;
      }
      const objs = r.data || [];
      let bytes = 0, records = 0;
      for (const o of objs) { bytes += o.size; records += o.record_count || 0; }
      summary.textContent = objs.length + " objects, " + size(bytes) + ", " + records + " records";
      tbody.replaceChildren(...objs.map((o) => h("tr", { "data-key": o.key },
        h("td", { "data-label": "Topic", class: "wrap" }, o.topic),
        h("td", { "data-label": "Partition" }, String(o.partition)),
        h("td", { "data-label": "Time bucket", class: "wrap", title: o.key }, o.bucket),
        h("td", { "data-label": "Size" }, size(o.size)),
        h("td", { "data-label": "Records", class: "records" }, num(o.record_count)),
        h("td", { "data-label": "First offset" }, num(o.first_offset)),
        h("td", { "data-label": "Last offset" }, num(o.last_offset)),
        h("td", {}, h("button", { class: "restore-object", onclick: () => prepare(o.topic, [o]) },
          "Restore this range")))));
      const topics = [...new Set(objs.map((o) => o.topic))];
      form.replaceChildren(...topics.map((t) => h("button", { class: "restore-topic", "data-topic": t,
        onclick: () => prepare(t, objs.filter((o) => o.topic === t)) }, "Restore everything listed of " + t)), timeChooser(objs));
    }
    // timeChooser offers the time buckets the server dated (bucket_start/bucket_end, for
    // time-based partitioners) as a range from one bucket through another of a topic.
    function timeChooser(objs) {
      const buckets = new Map(); // topic + " " + bucket -> {topic, bucket, start, end}
      for (const o of objs) {
        if (o.bucket_start && o.bucket_end) buckets.set(o.topic + " " + o.bucket, { topic: o.topic, bucket: o.bucket, start: o.bucket_start, end: o.bucket_end });
      }
      if (buckets.size === 0) return null;
      const list = [...buckets.values()].sort((a, b) => a.topic.localeCompare(b.topic) || Date.parse(a.start) - Date.parse(b.start));
      const option = (b, i) => h("option", { value: String(i) }, b.topic + " " + b.bucket);
      const from = h("select", { id: "restore-from" }, list.map(option));
      const through = h("select", { id: "restore-through" }, list.map(option));
      const go = h("button", { id: "restore-time", onclick: () => {
        const a = list[Number(from.value)], b = list[Number(through.value)];
        if (a.topic !== b.topic || Date.parse(b.start) < Date.parse(a.start)) {
          say("Choose buckets of one topic, the second not before the first.", true);
          return;
        }
        const chosen = objs.filter((o) => o.topic === a.topic && o.bucket_start && Date.parse(o.bucket_start) >= Date.parse(a.start) &&
          Date.parse(o.bucket_start) <= Date.parse(b.start));
        prepare(a.topic, chosen, { start: a.start, end: b.end, from: a.bucket, through: b.bucket });
      } }, "Restore this time range");
      return h("fieldset", { id: "restore-buckets" }, h("legend", {}, "By time bucket"),
        h("div", { class: "filters" },
          h("div", {}, h("label", { for: "restore-from" }, "From bucket"), from),
          h("div", {}, h("label", { for: "restore-through" }, "Through bucket"), through), go));
    }
    // prepare fills the restore form: an S3 source configured like the sink, for the offset
    // range of the chosen objects, or for the time range span ({start, end} of time buckets:
    // restore.time.start/end, every partition).
    async function prepare(topic, objs, span) {
      const [cfg, keys] = await Promise.all([api("GET", base + "/config"), api("GET", "/connector-plugins/" + enc(sourceClass) + "/config")]);
      if (!cfg.ok || !keys.ok) { say("Cannot prepare the restore: " + errText(cfg.ok ? keys : cfg), true); return; }
      const known = new Set(keys.data.map((k) => k.name));
      const config = { "connector.class": sourceClass };
      for (const [k, v] of Object.entries(cfg.data)) {
        if ((known.has(k) && !notCopied.includes(k)) || converter.test(k)) config[k] = v;
      }
      const first = Math.min(...objs.map((o) => o.first_offset));
      const last = Math.max(...objs.map((o) => (o.last_offset === null ? o.first_offset : o.last_offset)));
      config["topics"] = topic;
      config["topic.rename.format"] = "${topic}-restored";
      let what, suffix;
      const records = objs.reduce((n, o) => n + (o.record_count || 0), 0);
      if (span) {
        config["restore.time.start"] = span.start;
        config["restore.time.end"] = span.end;
        what = "Records of " + topic + " in the time buckets " + span.from + (span.through !== span.from ? " through " + span.through : "") +
          ", from " + span.start + " to " + span.end + ", every partition (" + records + " records listed).";
        suffix = span.start.replace(/[^0-9]/g, "").slice(0, 12);
      } else {
        config["restore.offset.start"] = String(first);
        config["restore.offset.end"] = String(last + 1);
        // One object's time bucket bounds its records in time too.
        const dated = objs.length === 1 && objs[0].bucket_start;
        if (dated) {
          config["restore.time.start"] = objs[0].bucket_start;
          config["restore.time.end"] = objs[0].bucket_end;
        }
        what = "Offsets " + first + " to " + last + " of " + topic + (dated ? " in the time bucket " + objs[0].bucket : "") +
          " (the offset range applies to every partition restored).";
        suffix = first + "-" + last;
      }
      // Secrets are not shown: the form keeps them and puts them back on create.
      const hidden = "[hidden]", secrets = {};
      for (const k of keys.data) {
        if (k.type === "PASSWORD" && config[k.name] !== undefined) { secrets[k.name] = config[k.name]; config[k.name] = hidden; }
      }
      const nameIn = h("input", { id: "restore-name", value: name + "-restore-" + topic + "-" + suffix });
      const text = h("textarea", { id: "restore-config", rows: 12, spellcheck: "false" }, JSON.stringify(config, null, 2));
      const create = h("button", { id: "restore-create", onclick: async () => {
        let parsed;
        try { parsed = JSON.parse(text.value); } catch (e) { say("The configuration is not JSON: " + e.message, true); return; }
        for (const [k, v] of Object.entries(secrets)) if (parsed[k] === hidden) parsed[k] = v;
        const r = await api("POST", "/connectors", { name: nameIn.value, config: parsed });
        if (!r.ok) { say("Create " + nameIn.value + ": " + errText(r), true); return; }
        say("Created " + r.data.name + " (HTTP " + r.status + ")");
        form.append(h("p", {}, h("a", { id: "restore-created", href: "/ui/connectors/" + enc(r.data.name) }, "Open " + r.data.name)));
      } }, "Create S3 source");
      form.replaceChildren(
        h("p", { id: "restore-what" }, what),
        h("div", {}, h("label", { for: "restore-name" }, "Connector name"), nameIn),
        h("div", {}, h("label", { for: "restore-config" }, "Configuration"), text),
        create);
      nameIn.focus();
    }
    await load();
  };
})();
