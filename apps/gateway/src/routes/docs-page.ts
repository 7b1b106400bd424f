// The interactive API reference served at /docs. Self-contained on purpose: no CDN, no framework,
// nothing third-party, so it works offline and under a CSP that only allows these exact inline blocks.
// The script builds the DOM with createElement/textContent (never innerHTML) from /openapi.json.

export const docsStyle = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e6ec;--bg:#f6f7f9;--card:#fff;--get:#0b62c4;--post:#15803d;--delete:#c2410c;--bad:#b42318}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{position:sticky;top:0;z-index:2;display:flex;gap:14px;align-items:center;padding:10px 20px;background:#14213d;color:#fff}
header h1{font-size:17px;margin:0}
header a{color:#cfd8ea;font-size:12px}
header .ver{opacity:.7;font-size:12px}
header label{margin-left:auto;display:flex;gap:8px;align-items:center;font-size:13px}
header input{width:330px}
.layout{display:grid;grid-template-columns:250px minmax(0,1fr);max-width:1280px;margin:0 auto}
nav{position:sticky;top:50px;align-self:start;max-height:calc(100vh - 50px);overflow:auto;padding:14px 10px;border-right:1px solid var(--line)}
nav h3{font:600 11px/1.2 ui-monospace,Menlo,monospace;color:var(--muted);margin:14px 6px 4px;word-break:break-all}
nav a{display:flex;gap:8px;align-items:center;padding:3px 6px;border-radius:4px;color:inherit;text-decoration:none;font-size:13px}
nav a:hover{background:#e7ebf1}
main{padding:18px 26px}
.intro p{max-width:820px;color:var(--muted)}
.op{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:0 0 16px;padding:14px 18px}
.op h2{font-size:15px;margin:0 0 4px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.op h2 .sum{font-weight:400;color:var(--muted)}
.m{font:700 10.5px/1 ui-monospace,Menlo,monospace;text-transform:uppercase;padding:4px 6px;border-radius:4px;color:#fff;background:var(--get);min-width:52px;text-align:center}
.m.post{background:var(--post)}.m.delete{background:var(--delete)}
.path,code,pre,textarea{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.path{font-size:14px}
h4{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:14px 0 4px}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-top:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px}
td.f{white-space:nowrap;font-family:ui-monospace,Menlo,monospace;font-size:12.5px}
td.t{color:#6d28d9;font-family:ui-monospace,Menlo,monospace;font-size:12px}
.c{color:var(--muted);font-size:12px}
code{background:#eef1f5;padding:1px 4px;border-radius:3px;font-size:12.5px}
pre{background:#0f172a;color:#e2e8f0;padding:10px 12px;border-radius:6px;overflow:auto;max-height:340px;margin:6px 0;font-size:12px}
p{margin:4px 0}ul{margin:4px 0;padding-left:20px}
.req{color:var(--bad);font-size:11px;margin-left:4px}
.st{font-weight:700;font-family:ui-monospace,Menlo,monospace}.s2{color:var(--post)}.s4,.s5{color:var(--bad)}
details>summary{cursor:pointer;color:var(--get);margin:4px 0}
.try{border-top:1px dashed var(--line);margin-top:12px;padding-top:6px}
.try>summary{font-weight:600}
.try label{display:grid;grid-template-columns:170px minmax(0,1fr);gap:8px;align-items:center;margin:5px 0;font-size:13px}
input,select,textarea{font:inherit;padding:5px 8px;border:1px solid #c9ced8;border-radius:5px;color:var(--fg)}
textarea{width:100%;min-height:170px;font-size:12.5px}
button{font:inherit;font-weight:600;background:var(--get);color:#fff;border:0;border-radius:5px;padding:6px 16px;cursor:pointer;margin-top:6px}
.out{margin-top:8px}.out pre{max-height:520px}
`;

export const docsScript = String.raw`
"use strict";
(function () {
  var KEY_STORE = "lisoloo.appKey";
  var main = document.getElementById("main");
  var nav = document.getElementById("nav");
  var keyInput = document.getElementById("app-key");
  var doc, apiPath;
  var MAX_SAFE = 9007199254740991;

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    });
    [].concat(children == null ? [] : children).forEach(function (c) {
      if (c == null || c === false) return;
      el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
    return el;
  }
  function inline(text) {
    return String(text).split(/(\u0060[^\u0060]+\u0060)/).map(function (part, i) {
      return i % 2 ? h("code", null, part.slice(1, -1)) : part;
    });
  }
  function md(text) {
    return String(text || "").split(/\n\n+/).map(function (block) {
      var lines = block.split("\n");
      if (lines.every(function (l) { return l.slice(0, 2) === "- "; }))
        return h("ul", null, lines.map(function (l) { return h("li", null, inline(l.slice(2))); }));
      return h("p", null, inline(block));
    });
  }
  function resolve(ref) {
    return ref.replace(/^#\//, "").split("/").reduce(function (node, key) {
      return node && node[key.replace(/~1/g, "/").replace(/~0/g, "~")];
    }, doc);
  }
  function deref(s) { while (s && s.$ref) s = resolve(s.$ref); return s || {}; }
  function refName(ref) { return ref.split("/").pop(); }
  function typeLabel(s) {
    if (!s) return "any";
    if (s.$ref) return refName(s.$ref);
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (s.enum) return s.enum.map(function (v) { return JSON.stringify(v); }).join(" | ");
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeLabel).join(" | ");
    if (s.type === "array") return typeLabel(s.items) + "[]";
    var t = Array.isArray(s.type) ? s.type.join(" | ") : s.type || "any";
    return s.format ? t + " <" + s.format + ">" : t;
  }
  function constraints(s) {
    var d = deref(s), out = [];
    [["minLength", "min length "], ["maxLength", "max length "], ["minimum", "≥ "], ["maximum", "≤ "],
     ["minItems", "min items "], ["maxItems", "max items "]].forEach(function (p) {
      if (d[p[0]] !== undefined && d[p[0]] !== MAX_SAFE) out.push(p[1] + d[p[0]]);
    });
    if (d.pattern && !d.format) out.push("pattern " + d.pattern);
    var dflt = s.default !== undefined ? s.default : d.default;
    if (dflt !== undefined) out.push("default " + JSON.stringify(dflt));
    return out.join(" · ");
  }
  function objectOf(s) {
    var d = deref(s);
    if (d.type === "array") return objectOf(d.items);
    if (d.anyOf) { var branch = d.anyOf.filter(function (b) { return deref(b).type === "object"; })[0]; return branch ? objectOf(branch) : null; }
    return d.type === "object" && d.properties ? d : null;
  }
  function fieldRows(s, prefix, depth, seen, rows) {
    var obj = objectOf(s);
    if (!obj || depth > 4) return rows;
    var required = obj.required || [];
    Object.keys(obj.properties).forEach(function (name) {
      var p = obj.properties[name], key = p.$ref || (deref(p).type === "array" && (deref(p).items || {}).$ref) || "";
      var desc = p.description || deref(p).description || "";
      rows.push(h("tr", null, [
        h("td", { class: "f" }, [prefix + name, required.indexOf(name) >= 0 ? h("span", { class: "req" }, "required") : null]),
        h("td", { class: "t" }, typeLabel(p)),
        h("td", null, [desc ? h("div", null, inline(desc)) : null, h("div", { class: "c" }, constraints(p))])
      ]));
      if (seen.indexOf(key) < 0 || !key) fieldRows(p, prefix + name + (deref(p).type === "array" ? "[]." : "."), depth + 1, seen.concat(key ? [key] : []), rows);
    });
    if (obj.additionalProperties === false && depth === 0)
      rows.push(h("tr", null, h("td", { class: "c", colspan: 3 }, "No other fields are accepted.")));
    return rows;
  }
  function schemaTable(s) {
    var d = deref(s);
    if (d.oneOf) return h("p", null, ["One of: ", d.oneOf.map(typeLabel).join(", ")]);
    var rows = fieldRows(s, "", 0, [], []);
    if (!rows.length) return h("p", { class: "t" }, typeLabel(s));
    return h("table", null, [h("tr", null, [h("th", null, "Field"), h("th", null, "Type"), h("th", null, "Description")])].concat(rows));
  }
  function pretty(value) { return JSON.stringify(value, null, 2); }
  function params(op) { return (op.parameters || []).map(deref); }
  function paramTable(list) {
    return h("table", null, [h("tr", null, [h("th", null, "Name"), h("th", null, "In"), h("th", null, "Type"), h("th", null, "Description")])].concat(
      list.map(function (p) {
        return h("tr", null, [
          h("td", { class: "f" }, [p.name, p.required ? h("span", { class: "req" }, "required") : null]),
          h("td", { class: "c" }, p.in), h("td", { class: "t" }, typeLabel(p.schema)),
          h("td", null, [h("div", null, inline(p.description || "")), h("div", { class: "c" }, p.schema ? constraints(p.schema) : "")])
        ]);
      })));
  }
  function responses(op) {
    return Object.keys(op.responses).map(function (status) {
      var r = deref(op.responses[status]), media = (r.content || {})["application/json"];
      var ok = status.charAt(0) === "2";
      return h("div", null, [
        h("div", null, [h("span", { class: "st s" + status.charAt(0) }, status), " ", ok ? r.description : null]),
        ok ? null : h("div", { class: "c" }, md(r.description)),
        ok && media ? h("details", null, [h("summary", null, "Schema and example"), schemaTable(media.schema),
          media.example !== undefined ? h("pre", null, pretty(media.example)) : null]) : null
      ]);
    });
  }
  function tryIt(path, method, op) {
    var list = params(op), inputs = {}, body = null, out = h("div", { class: "out" });
    var fields = list.map(function (p) {
      inputs[p.name] = h("input", { placeholder: p.example != null ? String(p.example) : p.in + " parameter" });
      return h("label", null, [h("span", { class: "f" }, p.name + (p.required ? " *" : "")), inputs[p.name]]);
    });
    var media = op.requestBody && deref(op.requestBody).content["application/json"];
    var picker = null;
    if (media) {
      var examples = media.examples || { example: { value: media.example || {} } };
      body = h("textarea", { spellcheck: "false" });
      body.value = pretty(examples[Object.keys(examples)[0]].value);
      picker = h("select", { onchange: function () { body.value = pretty(examples[picker.value].value); } },
        Object.keys(examples).map(function (k) { return h("option", { value: k }, examples[k].summary || k); }));
    }
    function send() {
      var url = apiPath + path.replace(/\{([^}]+)\}/g, function (_, name) { return encodeURIComponent(inputs[name].value.trim()); });
      var query = new URLSearchParams(), headers = {};
      list.forEach(function (p) {
        var v = inputs[p.name].value.trim();
        if (!v) return;
        if (p.in === "query") query.set(p.name, v);
        if (p.in === "header") headers[p.name] = v;
      });
      if (query.toString()) url += "?" + query;
      if (!op.security || op.security.length) headers["app-key"] = keyInput.value.trim();
      if (body) headers["content-type"] = "application/json";
      var started = performance.now();
      out.replaceChildren(h("p", { class: "c" }, method.toUpperCase() + " " + url + " …"));
      fetch(url, { method: method.toUpperCase(), headers: headers, body: body ? body.value : undefined }).then(function (res) {
        return res.text().then(function (text) {
          var shown = text;
          try { shown = pretty(JSON.parse(text)); } catch (e) {}
          var lines = [];
          res.headers.forEach(function (v, k) { lines.push(k + ": " + v); });
          out.replaceChildren(
            h("div", null, [h("span", { class: "st s" + String(res.status).charAt(0) }, res.status + " " + res.statusText), h("span", { class: "c" }, " · " + Math.round(performance.now() - started) + " ms")]),
            h("details", null, [h("summary", null, "Response headers"), h("pre", null, lines.join("\n"))]),
            h("pre", null, shown));
        });
      }).catch(function (err) { out.replaceChildren(h("p", { class: "s4" }, "Request failed: " + err)); });
    }
    return h("details", { class: "try" }, [h("summary", null, "Try it"),
      (!op.security || op.security.length) ? h("p", { class: "c" }, "Uses the app-key entered at the top of the page.") : null]
      .concat(fields, picker ? [h("label", null, [h("span", null, "Example"), picker]), body] : [],
        [h("button", { type: "button", onclick: send }, "Send"), out]));
  }
  function operation(path, method, op, webhook) {
    var list = params(op), media = op.requestBody && deref(op.requestBody).content["application/json"];
    return h("section", { class: "op", id: op.operationId }, [
      h("h2", null, [h("span", { class: "m " + method }, method), h("span", { class: "path" }, webhook ? path : apiPath + path), h("span", { class: "sum" }, op.summary)]),
      webhook ? null : h("div", null, md(op.description)),
      list.length ? [h("h4", null, webhook ? "Headers" : "Parameters"), paramTable(list)] : null,
      media ? [h("h4", null, webhook ? "Payload" : "Request body"), schemaTable(media.schema),
        webhook && media.example ? h("details", null, [h("summary", null, "Example"), h("pre", null, pretty(media.example))]) : null] : null,
      h("h4", null, "Responses"), h("div", null, responses(op)),
      webhook ? null : tryIt(path, method, op)
    ].flat());
  }
  function navGroup(title, links) {
    return [h("h3", null, title)].concat(links.map(function (l) {
      return h("a", { href: "#" + l.id }, [h("span", { class: "m " + l.method }, l.method), l.label]);
    }));
  }
  function render() {
    document.getElementById("version").textContent = "v" + doc.info.version + " · OpenAPI " + doc.openapi;
    var sections = [h("div", { class: "intro" }, [h("h2", null, doc.info.title)].concat(md(doc.info.description)))];
    var links = [];
    Object.keys(doc.paths).forEach(function (path) {
      var methods = Object.keys(doc.paths[path]);
      links = links.concat(navGroup(path, methods.map(function (m) { return { id: doc.paths[path][m].operationId, method: m, label: doc.paths[path][m].summary }; })));
      methods.forEach(function (m) { sections.push(operation(path, m, doc.paths[path][m], false)); });
    });
    var hooks = Object.keys(doc.webhooks || {});
    if (hooks.length) {
      var first = doc.webhooks[hooks[0]].post;
      sections.push(h("div", { class: "intro", id: "webhooks" }, [h("h2", null, "Webhooks")].concat(md(first.description))));
      links = links.concat(navGroup("webhooks", hooks.map(function (name) { return { id: doc.webhooks[name].post.operationId, method: "post", label: name }; })));
      hooks.forEach(function (name) { sections.push(operation(name, "post", doc.webhooks[name].post, true)); });
    }
    nav.replaceChildren.apply(nav, links);
    main.replaceChildren.apply(main, sections);
    if (location.hash) { var target = document.getElementById(location.hash.slice(1)); if (target) target.scrollIntoView(); }
  }
  keyInput.value = sessionStorage.getItem(KEY_STORE) || "";
  keyInput.addEventListener("input", function () { sessionStorage.setItem(KEY_STORE, keyInput.value.trim()); });
  fetch("/openapi.json").then(function (res) {
    if (!res.ok) throw new Error("HTTP " + res.status);
    return res.json();
  }).then(function (json) {
    doc = json;
    // Only the server's path: "Try it" calls this page's own origin (the CSP allows nothing else),
    // whatever host name the absolute server URL carries.
    apiPath = new URL(doc.servers[0].url, location.href).pathname.replace(/\/$/, "");
    render();
  }).catch(function (err) {
    main.replaceChildren(h("p", { class: "s4" }, "Could not load /openapi.json: " + err.message));
  });
})();
`;

/** The whole page around the style and script above. */
export function docsPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lisoloo SMS API reference</title>
<link rel="icon" href="data:,">
<style>${docsStyle}</style>
</head>
<body>
<header>
<h1>Lisoloo SMS API</h1><span class="ver" id="version"></span><a href="/openapi.json">openapi.json</a>
<label>app-key <input id="app-key" type="password" autocomplete="off" spellcheck="false" placeholder="sk_test_…"></label>
</header>
<div class="layout"><nav id="nav"></nav><main id="main"><p>Loading /openapi.json…</p></main></div>
<script>${docsScript}</script>
</body>
</html>
`;
}
