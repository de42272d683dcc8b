// gdkg query page: plain JavaScript, no framework, every request to this server only.
"use strict";

const ID_NS = "https://w3id.org/gdkg/id/";
const state = { queries: [], selected: null, last: null, labels: {}, result: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function setStatus(text, isError = false) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

async function loadQueries() {
  const response = await fetch("/queries", { headers: { Accept: "application/json" } });
  state.queries = await response.json();
  renderList();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("query");
  if (wanted) selectQuery(wanted);
}

function renderList() {
  const filter = $("filter").value.trim().toLowerCase();
  const list = $("query-list");
  list.replaceChildren();
  for (const q of state.queries) {
    const haystack = (q.name + " " + q.title + " " + q.description).toLowerCase();
    if (filter && !haystack.includes(filter)) continue;
    const button = el("button", { type: "button", "data-name": q.name, role: "listitem",
                                  onclick: () => selectQuery(q.name) },
                      q.title || q.name, el("span", { class: "name" }, q.name));
    if (state.selected && state.selected.name === q.name) button.classList.add("selected");
    list.append(button);
  }
}

function selectQuery(name) {
  const q = state.queries.find((item) => item.name === name);
  if (!q) { setStatus(`no named query ${name}`, true); return; }
  state.selected = q;
  $("query-title").textContent = q.title || q.name;
  $("query-description").textContent = q.description + (q.examples.length ? "  e.g. " + q.examples[0] : "");
  $("sparql").value = q.text;
  const form = $("params");
  form.replaceChildren();
  for (const p of q.params) {
    const input = el("input", { name: p.name, id: "param-" + p.name, type: "text",
                                placeholder: p.required ? "required 必填" : (p.default ? "default " + p.default
                                                                              : "optional 可选") });
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); run(); } });
    form.append(el("label", { for: "param-" + p.name }, el("b", {}, p.name + " "), input,
                   el("span", { class: "doc" }, (p.takes ? "[" + p.takes + "] " : "") + p.doc)));
  }
  history.replaceState(null, "", "#query=" + encodeURIComponent(name));
  renderList();
}

function currentRequest(format) {
  const text = $("sparql").value;
  const q = state.selected;
  if (q && text === q.text) {
    const params = new URLSearchParams();
    for (const input of $("params").querySelectorAll("input")) {
      if (input.value.trim()) params.append(input.name, input.value.trim());
    }
    if (format) params.set("format", format);
    return { url: "/queries/" + encodeURIComponent(q.name) + "?" + params.toString(), method: "GET" };
  }
  const body = new URLSearchParams({ query: text });
  return { url: "/sparql" + (format ? "?format=" + format : ""), method: "POST", body: body.toString(),
           headers: { "Content-Type": "application/x-www-form-urlencoded" } };
}

async function run() {
  const request = currentRequest(null);
  setStatus("running… 运行中");
  $("results").replaceChildren();
  const started = performance.now();
  let response;
  try {
    response = await fetch(request.url, {
      method: request.method, body: request.body,
      headers: Object.assign({ Accept: "application/sparql-results+json, text/turtle;q=0.9" },
                             request.headers || {}) });
  } catch (error) {
    setStatus("the server did not answer: " + error, true);
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (!response.ok) {
    setStatus(`${response.status} ${response.statusText}: ${await response.text()}`, true);
    enableDownloads(false);
    return;
  }
  state.last = request;
  const type = response.headers.get("Content-Type") || "";
  const truncated = response.headers.get("X-Gdkg-Truncated");
  if (type.includes("sparql-results+json")) {
    const data = await response.json();
    state.result = data;
    if ("boolean" in data) {
      $("results").append(el("p", { class: "boolean" }, "ASK → " + data.boolean));
      setStatus(`answered in ${seconds} s`);
    } else {
      await fetchLabels(data);
      renderTable();
      const n = data.results.bindings.length;
      setStatus(`${n} row${n === 1 ? "" : "s"} · ${seconds} s` + (truncated ? ` · truncated (${truncated})` : ""));
    }
    enableDownloads(!("boolean" in data));
  } else {
    state.result = null;
    $("results").append(el("pre", {}, await response.text()));
    setStatus(`graph answer · ${seconds} s` + (truncated ? ` · truncated (${truncated})` : ""));
    enableDownloads(false);
  }
}

async function fetchLabels(data) {
  const iris = new Set();
  for (const row of data.results.bindings) {
    for (const value of Object.values(row)) {
      if (value.type === "uri" && !(value.value in state.labels)) iris.add(value.value);
    }
  }
  if (!iris.size) return;
  const list = Array.from(iris).slice(0, 5000);
  try {
    const response = await fetch("/api/labels", { method: "POST", body: JSON.stringify(list),
                                                  headers: { "Content-Type": "application/json" } });
    if (response.ok) Object.assign(state.labels, await response.json());
  } catch (error) { /* labels are a convenience: show IRIs */ }
  for (const iri of list) if (!(iri in state.labels)) state.labels[iri] = {};
}

function cell(value) {
  if (!value) return el("td");
  if (value.type === "uri") {
    const lang = $("lang").value;
    const names = state.labels[value.value] || {};
    const text = lang === "iri" ? value.value : (names[lang] || names.zh || names.en || value.value);
    const href = value.value.startsWith(ID_NS) ? "/id/" + value.value.slice(ID_NS.length) : value.value;
    return el("td", {}, el("a", { href, title: value.value, class: href.startsWith("/") ? "" : "external" }, text));
  }
  const td = el("td", {}, value.value);
  if (value["xml:lang"]) td.append(el("span", { class: "lang" }, " @" + value["xml:lang"]));
  return td;
}

function renderTable() {
  const data = state.result;
  if (!data || !data.head || !data.head.vars) return;
  const table = el("table", { id: "result-table" });
  table.append(el("thead", {}, el("tr", {}, ...data.head.vars.map((v) => el("th", {}, "?" + v)))));
  const body = el("tbody");
  for (const row of data.results.bindings) {
    body.append(el("tr", {}, ...data.head.vars.map((v) => cell(row[v]))));
  }
  table.append(body);
  $("results").replaceChildren(table);
}

function enableDownloads(on) {
  $("download-csv").disabled = !on;
  $("download-json").disabled = !on;
}

async function download(format) {
  if (!state.last) return;
  const request = currentRequest(format);
  const response = await fetch(request.url, { method: request.method, body: request.body,
                                              headers: request.headers || {} });
  if (!response.ok) { setStatus(`${response.status}: ${await response.text()}`, true); return; }
  const blob = await response.blob();
  const link = el("a", { href: URL.createObjectURL(blob),
                         download: (state.selected ? state.selected.name : "results") + "." + format });
  document.body.append(link);
  link.click();
  link.remove();
}

document.addEventListener("DOMContentLoaded", () => {
  $("run").addEventListener("click", run);
  $("filter").addEventListener("input", renderList);
  $("lang").addEventListener("change", renderTable);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));
  $("sparql").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  window.addEventListener("hashchange", () => {
    const wanted = new URLSearchParams(location.hash.slice(1)).get("query");
    if (wanted && (!state.selected || state.selected.name !== wanted)) selectQuery(wanted);
  });
  loadQueries().catch((error) => setStatus("could not load the named queries: " + error, true));
});
