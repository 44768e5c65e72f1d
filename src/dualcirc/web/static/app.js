// The dashboard: picks a dataset, year, economy and page, runs the page as a job on the server (GET/POST
// /api/...), shows its progress, then draws the panels (plotly figures, tables, CSV/xlsx links) in the chosen
// language.  State lives in the URL hash, so a view can be bookmarked.
"use strict";

const SHOWN_ROWS = 25;
const POLL_MS = 250;
const state = { lang: "en", dataset: null, year: null, economy: null, page: null, params: {} };
let LABELS = { en: {}, zh: {} };
let DATASETS = [];
let UPLOAD_LIMIT_MB = null;
let PAGES = [];
let TABLE = null;
let RESULT = null;  // the last rendered result (for language switches)
let runToken = 0;   // a newer run makes older polls stop
let finished = 0;   // results and errors shown so far (body[data-finished], for tests and scripts)

const $ = (id) => document.getElementById(id);
const t = (key) => (LABELS[state.lang] && LABELS[state.lang][key]) || LABELS.en[key] || key;

function setState(name, text, cls) {
  document.body.dataset.state = name;
  if (name === "done" || name === "error") document.body.dataset.finished = String(++finished);
  $("status-text").textContent = text || "";
  $("status").className = cls || "";
}

async function api(method, url, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const data = await response.json().catch(() => ({ detail: response.statusText }));
  return { status: response.status, data };
}

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  for (const key of ["lang", "dataset", "economy", "page"]) if (h.get(key)) state[key] = h.get(key);
  if (h.get("year")) state.year = Number(h.get("year"));
}

function writeHash() {
  const h = new URLSearchParams();
  for (const key of ["page", "dataset", "year", "economy", "lang"]) if (state[key] !== null) h.set(key, state[key]);
  history.replaceState(null, "", "#" + h.toString());
}

function applyLabels() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = t("web.title");
  for (const el of document.querySelectorAll("[data-label]")) el.textContent = t(el.dataset.label);
  for (const b of document.querySelectorAll(".lang button")) b.classList.toggle("active", b.dataset.lang === state.lang);
  $("upload-help").textContent = `${t("web.upload.help")} ${UPLOAD_LIMIT_MB} MB`;
  const ds = DATASETS.find((d) => d.id === state.dataset);
  $("citation").textContent = ds && ds.citation ? `${t("web.citation")}: ${ds.citation}` : "";
}

function option(value, text, selected) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  o.selected = selected;
  return o;
}

function fillDatasets() {
  const sel = $("dataset");
  sel.replaceChildren(...DATASETS.map((d) =>
    option(d.id, `${d.id} (${t("web.origin." + d.origin)}) — ${d.title}`, d.id === state.dataset)));
  const ds = DATASETS.find((d) => d.id === state.dataset);
  $("year").replaceChildren(...ds.years.map((y) => option(y === null ? "" : y, y === null ? "—" : y, y === state.year)));
}

function regionText(r) { return r[state.lang] && r[state.lang] !== r.code ? `${r[state.lang]} (${r.code})` : r.code; }
function optionText(o, kind) {
  const name = o[state.lang];
  if (!name || name === o.value) return o.value;
  return kind === "region" ? `${name} (${o.value})` : `${o.value} ${name}`;
}

function fillEconomies() {
  $("economy").replaceChildren(...TABLE.regions.map((r) => option(r.code, regionText(r), r.code === state.economy)));
  $("table-info").textContent = `${TABLE.title} · ${TABLE.shape} · ${TABLE.unit}` +
    (TABLE.checks.length ? ` · ${t("web.checks")}: ${TABLE.checks.map((c) => c.code).join(", ")}` : "");
}

function renderNav() {
  $("pages").replaceChildren(...PAGES.map((p) => {
    const a = document.createElement("a");
    a.href = "#";
    a.id = "page-" + p.key;
    a.dataset.page = p.key;
    a.textContent = t(p.title);
    a.classList.toggle("active", p.key === state.page);
    a.addEventListener("click", (ev) => { ev.preventDefault(); selectPage(p.key); });
    return a;
  }));
  const page = currentPage();
  $("page-title").textContent = page ? t(page.title) : t("web.no_pages");
  $("page-intro").textContent = page ? t(page.intro) : "";
}

function currentPage() { return PAGES.find((p) => p.key === state.page); }

function renderParams() {
  const form = $("params");
  form.replaceChildren();
  const page = currentPage();
  if (!page || !page.params.length) return;
  for (const p of page.params) {
    const label = document.createElement("label");
    const caption = document.createElement("span");
    caption.textContent = t(p.label);
    label.append(caption);
    let input;
    if (p.kind === "number") {
      input = document.createElement("input");
      Object.assign(input, { type: "range", min: p.minimum, max: p.maximum, step: p.step });
      input.value = state.params[p.key] ?? p.default;
      const out = document.createElement("output");
      out.id = `param-${p.key}-value`;
      out.textContent = input.value;
      input.addEventListener("input", () => { out.textContent = input.value; });
      caption.append(" ", out);
    } else {
      input = document.createElement("select");
      const items = p.options.map((o) => [o.value, p.kind === "choice" ? t(o.label) : optionText(o, p.kind)]);
      const chosen = state.params[p.key] ?? p.default;
      input.replaceChildren(...items.map(([v, text]) => option(v, text, v === chosen)));
    }
    input.id = `param-${p.key}`;
    input.name = p.key;
    input.dataset.kind = p.kind;
    label.append(input);
    form.append(label);
  }
  const button = document.createElement("button");
  button.type = "submit";
  button.id = "run";
  button.textContent = t("web.run");
  form.append(button);
}

function readParams() {
  const params = {};
  for (const input of $("params").querySelectorAll("[name]")) {
    params[input.name] = input.dataset.kind === "number" ? Number(input.value) : input.value;
  }
  state.params = params;
  return params;
}

async function loadTable() {
  const year = state.year === null ? "" : `?year=${state.year}`;
  const { status, data } = await api("GET", `/api/datasets/${encodeURIComponent(state.dataset)}${year}`);
  if (status !== 200) throw new Error(data.detail);
  TABLE = data;
  state.year = data.year;
  if (!TABLE.regions.some((r) => r.code === state.economy)) state.economy = TABLE.default_economy;
  fillEconomies();
  await loadPages();
}

async function loadPages() {
  // the pages with their parameters' options and defaults on this table and economy
  const query = new URLSearchParams({ dataset: state.dataset, economy: state.economy });
  if (state.year !== null) query.set("year", state.year);
  const { data } = await api("GET", `/api/pages?${query}`);
  PAGES = data.pages;
}

function progressText(job) {
  if (job.status === "queued") return t("web.queued");
  const step = job.step ? `${t("web.step")} ${job.done + 1} ${t("web.of")} ${job.total}: ${t(job.step)}` : "";
  const elapsed = job.elapsed_s !== null ? ` (${job.elapsed_s.toFixed(1)} ${t("web.seconds")})` : "";
  return `${t("web.computing")}… ${step}${elapsed}`;
}

async function run() {
  const page = currentPage();
  if (!page) return;
  const token = ++runToken;
  writeHash();
  setState("running", t("web.computing") + "…");
  $("progress").removeAttribute("value");
  const body = { dataset: state.dataset, year: state.year, economy: state.economy, params: readParams() };
  let { status, data } = await api("POST", `/api/pages/${page.key}/run?lang=${state.lang}`, body);
  while (status === 202 && token === runToken) {
    $("progress").max = Math.max(1, data.total);
    $("progress").value = data.done;
    setState("running", progressText(data));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    ({ status, data } = await api("GET", `/api/jobs/${data.job}`));
    if (status === 200 && data.status === "done") {
      ({ status, data } = await api("GET", `/api/jobs/${data.job}/result?lang=${state.lang}`));
    } else if (status === 200 && data.status === "error") {
      status = 422;
      data = { detail: data.error };
    } else if (status === 200) {
      status = 202;
    }
  }
  if (token !== runToken) return;
  if (status !== 200) {
    RESULT = null;
    $("panels").replaceChildren();
    setState("error", `${t("web.error")}: ${data.detail}`, "error");
    return;
  }
  RESULT = data;
  renderPanels(data);
  setState("done", `${t("web.done")} (${(data.elapsed_s ?? 0).toFixed(2)} ${t("web.seconds")})`);
}

function formatValue(v) {
  if (typeof v !== "number") return v === null ? "" : String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e4) return String(v);
  if (Math.abs(v) >= 1000) return v.toLocaleString(state.lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 0 });
  return Number(v.toPrecision(4)).toString();
}

function renderTable(panel) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const c of panel.columns) {
    const th = document.createElement("th");
    th.textContent = c;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of panel.rows.slice(0, SHOWN_ROWS)) {
    const tr = body.insertRow();
    for (const v of row) {
      const td = tr.insertCell();
      td.textContent = formatValue(v);
      if (typeof v === "number") td.className = "num";
    }
  }
  return table;
}

function link(text, href) {
  const a = document.createElement("a");
  a.textContent = text;
  a.href = href;
  a.setAttribute("download", "");
  return a;
}

function renderPanels(result) {
  const holder = $("panels");
  for (const div of holder.querySelectorAll(".chart")) Plotly.purge(div);
  holder.replaceChildren();
  for (const panel of result.panels) {
    const section = document.createElement("section");
    section.className = "panel";
    section.dataset.panel = panel.key;
    holder.append(section);  // in the page before plotting, so the chart takes the panel's width
    const h = document.createElement("h3");
    h.textContent = panel.caption;
    section.append(h);
    if (panel.note) {
      const p = document.createElement("p");
      p.className = "note";
      p.textContent = panel.note;
      section.append(p);
    }
    const fileName = `dualcirc_${result.request.page}_${result.request.dataset}_${result.request.year}_${result.request.economy}_${panel.key}`;
    if (panel.figure) {
      const chart = document.createElement("div");
      chart.className = "chart";
      chart.id = `chart-${panel.key}`;
      section.append(chart);
      Plotly.newPlot(chart, panel.figure.data, panel.figure.layout,
        { displaylogo: false, responsive: true, toImageButtonOptions: { filename: fileName } });
      const tools = document.createElement("div");
      tools.className = "tools";
      tools.append(`${t("web.download")}:`);
      for (const format of ["png", "svg"]) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = `download-${format}`;
        b.textContent = format.toUpperCase();
        b.addEventListener("click", () => Plotly.downloadImage(chart, { format, filename: fileName, width: 1100, height: 560 }));
        tools.append(b);
      }
      section.append(tools);
    }
    if (panel.n_rows) {
      const wrap = document.createElement("div");
      wrap.className = "table-wrap";
      wrap.append(renderTable(panel));
      section.append(wrap);
      const tools = document.createElement("div");
      tools.className = "tools";
      const shown = Math.min(SHOWN_ROWS, panel.n_rows);
      tools.append(`${shown} ${t("web.rows_shown")} ${panel.n_rows} ${t("web.rows")} · ${t("web.download")}:`);
      const base = `/api/jobs/${result.job}/download/${encodeURIComponent(panel.key)}`;
      const csv = link("CSV", `${base}.csv?lang=${state.lang}`);
      csv.className = "download-csv";
      const xlsx = link("xlsx", `${base}.xlsx?lang=${state.lang}`);
      xlsx.className = "download-xlsx";
      tools.append(csv, xlsx);
      section.append(tools);
    }
    if (panel.provenance && panel.provenance.line) {
      const d = document.createElement("details");
      d.className = "prov";
      const s = document.createElement("summary");
      s.textContent = t("web.provenance");
      d.append(s, panel.provenance.line);
      section.append(d);
    }
  }
}

async function switchLanguage(lang) {
  state.lang = lang;
  writeHash();
  applyLabels();
  fillDatasets();
  fillEconomies();
  renderNav();
  renderParams();
  if (RESULT) {
    const { status, data } = await api("GET", `/api/jobs/${RESULT.job}/result?lang=${lang}`);
    if (status === 200) { RESULT = data; renderPanels(data); setState("done", t("web.done")); }
    else await run();
  }
}

function selectPage(key) {
  state.page = key;
  state.params = {};
  renderNav();
  renderParams();
  run();
}

async function refreshDatasets() {
  const { data } = await api("GET", "/api/datasets");
  DATASETS = data.datasets;
  UPLOAD_LIMIT_MB = data.max_upload_mb;
  return data;
}

async function upload(ev) {
  ev.preventDefault();
  const file = $("upload-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const message = $("upload-message");
  message.className = "";
  message.textContent = "…";
  const response = await fetch("/api/uploads", { method: "POST", body: form });
  const data = await response.json().catch(() => ({ detail: response.statusText }));
  if (response.status !== 201) {
    message.className = "error";
    message.textContent = `${t("web.upload.failed")} (${response.status}): ${data.detail}`;
    return;
  }
  message.className = "ok";
  const warnings = data.checks.length ? ` · ${t("web.checks")}: ${data.checks.map((c) => c.message).join("; ")}` : "";
  message.textContent = `${t("web.upload.ok")} ${data.dataset}${warnings}`;
  await refreshDatasets();
  state.dataset = data.dataset;
  state.year = null;
  fillDatasets();
  await loadTable();
  renderParams();
  run();
}

async function init() {
  readHash();
  const [labels, datasets] = await Promise.all([api("GET", "/api/labels"), refreshDatasets()]);
  LABELS = labels.data;
  if (!DATASETS.some((d) => d.id === state.dataset)) state.dataset = datasets.default || DATASETS[0].id;
  const ds = DATASETS.find((d) => d.id === state.dataset);
  if (!ds.years.includes(state.year)) state.year = ds.years[ds.years.length - 1];
  await loadTable();
  if (!PAGES.some((p) => p.key === state.page)) state.page = PAGES.length ? PAGES[0].key : null;
  applyLabels();
  fillDatasets();
  renderNav();
  renderParams();

  $("dataset").addEventListener("change", async (ev) => {
    state.dataset = ev.target.value;
    const d = DATASETS.find((x) => x.id === state.dataset);
    state.year = d.years[d.years.length - 1];
    fillDatasets();
    await loadTable();
    applyLabels();
    renderParams();
    run();
  });
  $("year").addEventListener("change", async (ev) => {
    state.year = ev.target.value === "" ? null : Number(ev.target.value);
    await loadTable();
    renderParams();
    run();
  });
  $("economy").addEventListener("change", async (ev) => {
    state.economy = ev.target.value;
    state.params = {};
    await loadPages();
    renderParams();
    run();
  });
  for (const b of document.querySelectorAll(".lang button")) b.addEventListener("click", () => switchLanguage(b.dataset.lang));
  $("params").addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  $("upload-form").addEventListener("submit", upload);
  window.addEventListener("hashchange", followHash);
  await run();
}

async function followHash() {
  // a bookmarked or typed address (the page itself writes the hash with replaceState, which fires no event)
  const before = { dataset: state.dataset, year: state.year };
  readHash();
  if (!DATASETS.some((d) => d.id === state.dataset)) state.dataset = before.dataset;
  if (state.dataset !== before.dataset || state.year !== before.year) await loadTable();
  else {
    if (!TABLE.regions.some((r) => r.code === state.economy)) state.economy = TABLE.default_economy;
    await loadPages();
  }
  if (!PAGES.some((p) => p.key === state.page)) state.page = PAGES.length ? PAGES[0].key : null;
  state.params = {};
  applyLabels();
  fillDatasets();
  fillEconomies();
  renderNav();
  renderParams();
  run();
}

window.addEventListener("DOMContentLoaded", () => {
  init().catch((err) => setState("error", `${t("web.error")}: ${err.message}`, "error"));
});
