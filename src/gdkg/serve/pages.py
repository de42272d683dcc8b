"""The browser page at /: query editor, named queries with a parameter form, results table
with labels and clickable entities, CSV/JSON download. Behaviour in assets/app.js."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .assets import ASSETS, asset_bytes
from .html import page

_EDITOR = """
<h1>SPARQL 查询 <small>query the gdkg graph</small></h1>
<div id="editor">
  <aside>
    <h2>命名查询 Named queries</h2>
    <input id="filter" type="search" placeholder="filter 筛选" aria-label="filter the named queries">
    <div id="query-list" role="list"></div>
  </aside>
  <section>
    <h2 id="query-title">SPARQL</h2>
    <p id="query-description" class="muted"></p>
    <form id="params" autocomplete="off"></form>
    <textarea id="sparql" spellcheck="false" aria-label="SPARQL query">PREFIX gd: <https://w3id.org/gdkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?cluster ?zh ?en WHERE {
  ?cluster a gd:IndustryCluster ; gd:annexOrder ?order ; rdfs:label ?zh , ?en .
  FILTER(LANG(?zh) = "zh" && LANG(?en) = "en")
} ORDER BY ?order</textarea>
    <div class="toolbar">
      <button id="run" class="primary" type="button">运行 Run</button>
      <label>标签 labels <select id="lang"><option value="zh">中文</option><option value="en">English</option>
        <option value="iri">IRI</option></select></label>
      <button id="download-csv" class="secondary" type="button" disabled>CSV</button>
      <button id="download-json" class="secondary" type="button" disabled>JSON</button>
      <span id="status" role="status"></span>
    </div>
    <div id="results"></div>
  </section>
</div>
<noscript>This page needs JavaScript; without it, send queries to <a href="/sparql">/sparql</a>.</noscript>
"""


async def index(request: Request) -> Response:
    settings = request.app.state.gdkg.settings
    note = (f'<p class="muted">Read-only SPARQL 1.1 endpoint at <code>/sparql</code>; queries stop after '
            f'{settings.timeout:g} s, answers hold at most {settings.max_rows} rows.</p>')
    return HTMLResponse(page("gdkg SPARQL", _EDITOR + note, scripts=("app.js",)))


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response(f"no file {name!r} here\n", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(asset_bytes(name), media_type=ASSETS[name], headers={"Cache-Control": "max-age=300"})


async def favicon(request: Request) -> Response:
    return Response(asset_bytes("favicon.svg"), media_type=ASSETS["favicon.svg"])
