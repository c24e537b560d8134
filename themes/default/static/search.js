// Search: the header box ("/", arrows, Enter, Escape) and the search page (?q=,
// filters). Index text goes in as textContent; only <mark> is rebuilt.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/search\.js(\?.*)?$/, "") : "/";
  // UI strings: this tag's data attributes.
  var ui = (script && script.dataset) || {};
  var lang = document.documentElement.lang || "en";
  var pagefindPromise = null;

  function pagefind() {
    // From file:// Pagefind cannot fetch its index; a portable build has its own.
    if (!pagefindPromise && location.protocol === "file:") {
      pagefindPromise = new Promise(function (ok, fail) {
        var s = document.createElement("script");
        s.src = base + "search-portable.js";
        s.onload = function () { window.ledestjerneLocalSearch(base).then(ok, fail); };
        s.onerror = fail;
        document.head.appendChild(s);
      });
    }
    if (!pagefindPromise) {
      // Length counts little, titles much: a page about a term beats mentions.
      var options = { excerptLength: 22, ranking: { pageLength: 0.1, metaWeights: { title: 6 } } };
      pagefindPromise = import(base + "pagefind/pagefind.js").then(function (pf) {
        return pf.options(options).then(function () {
          // Large sites' bundles (shards.json), merged.
          return fetch(base + "pagefind/shards.json").then(function (r) { return r.ok ? r.json() : []; });
        }).then(function (others) {
          return Promise.all(others.map(function (dir) { return pf.mergeIndex(base + dir, options); }));
        }).then(function () { return pf; });
      });
    }
    return pagefindPromise;
  }

  // An excerpt (text with <mark>) as DOM nodes, never parsed as live HTML.
  function decoded(html) {
    return new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html").body.textContent;
  }

  function excerptNodes(excerpt) {
    var frag = document.createDocumentFragment();
    var parts = String(excerpt).split(/(<mark>|<\/mark>)/);
    var marked = false;
    parts.forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      var text = decoded(part);
      if (!text) return;
      if (marked) {
        var m = document.createElement("mark");
        m.textContent = text;
        frag.appendChild(m);
      } else {
        frag.appendChild(document.createTextNode(text));
      }
    });
    return frag;
  }

  function resultItem(data, id) {
    var li = document.createElement("li");
    li.className = "search-result";
    if (id) { li.id = id; li.setAttribute("role", "option"); }
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(a);
    if (data.meta && data.meta.kind) {
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = data.meta.kind;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
    }
    var p = document.createElement("p");
    p.className = "search-excerpt";
    p.appendChild(excerptNodes(data.excerpt || ""));
    li.appendChild(p);
    return li;
  }

  function run(query, filters, limit) {
    return pagefind().then(function (pf) {
      return pf.search(query, { filters: filters || {} });
    }).then(function (search) {
      var slice = search.results.slice(0, limit);
      return Promise.all(slice.map(function (r) { return r.data(); })).then(function (data) {
        return { total: search.results.length, data: data };
      });
    });
  }

  function statusText(n) {
    return n === 0 ? ui.noResults : n === 1 ? ui.oneResult : n + " " + ui.resultsCount;
  }

  // The header box.
  function setupBox() {
    var input = document.getElementById("search-input");
    if (!input) return;
    var form = input.form;
    var list = document.createElement("ul");
    list.id = "search-dropdown";
    list.className = "search-dropdown";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", ui.results);
    list.hidden = true;
    form.appendChild(list);
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    form.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", "search-dropdown");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    var active = -1;
    var seq = 0;

    function items() { return list.querySelectorAll("li.search-result"); }
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
    function highlight(i) {
      var all = items();
      if (!all.length) return;
      active = (i + all.length) % all.length;
      all.forEach(function (el, j) { el.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function update() {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) { close(); return; }
      run(q, {}, 8).then(function (res) {
        if (mine !== seq) return;
        list.textContent = "";
        res.data.forEach(function (d, i) { list.appendChild(resultItem(d, "search-option-" + i)); });
        list.hidden = res.data.length === 0;
        input.setAttribute("aria-expanded", res.data.length ? "true" : "false");
        live.textContent = statusText(res.total);
        active = -1;
      }).catch(function () { live.textContent = ui.failed; });
    }
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape" && !list.hidden) { e.preventDefault(); close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        var link = items()[active].querySelector("a");
        if (link) window.location.href = link.href;
      }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
      if (e.key === "/" && !typing) { e.preventDefault(); input.focus(); }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
  }

  // The search page.
  function setupPage() {
    var target = document.getElementById("search-results");
    if (!target) return;
    var params = new URLSearchParams(window.location.search);
    var q = (params.get("q") || "").trim();
    var pageInput = document.getElementById("search-page-input");
    var status = document.getElementById("search-status");
    var filterBox = document.getElementById("search-filters");
    if (pageInput) pageInput.value = q;
    var headerInput = document.getElementById("search-input");
    if (headerInput && !headerInput.value) headerInput.value = q;
    var chosen = {};
    params.forEach(function (value, key) { if (key !== "q" && value) chosen[key] = value; });

    pagefind().then(function (pf) { return pf.filters(); }).then(function (available) {
      if (!filterBox) return;
      Object.keys(available).sort().forEach(function (name) {
        var label = document.createElement("label");
        // Filter names come HTML-escaped; values do not.
        label.textContent = decoded(name) + " ";
        var select = document.createElement("select");
        select.name = name;
        var any = document.createElement("option");
        any.value = "";
        any.textContent = ui.all;
        select.appendChild(any);
        Object.keys(available[name]).sort(function (a, b) { return a.localeCompare(b, lang); }).forEach(function (v) {
          var o = document.createElement("option");
          o.value = v;
          o.textContent = v + " (" + available[name][v] + ")";
          if (chosen[name] === v) o.selected = true;
          select.appendChild(o);
        });
        label.appendChild(select);
        filterBox.appendChild(label);
      });
    }).catch(function () {});

    if (!q && Object.keys(chosen).length === 0) {
      if (status) status.textContent = ui.prompt;
      return;
    }
    if (status) status.textContent = ui.searching;
    run(q || null, chosen, 50).then(function (res) {
      target.textContent = "";
      var ol = document.createElement("ol");
      ol.className = "search-results";
      res.data.forEach(function (d) { ol.appendChild(resultItem(d)); });
      target.appendChild(ol);
      if (status) status.textContent = statusText(res.total) + (q ? " " + ui.searchFor.replace("{q}", function () { return q; }) : "");
    }).catch(function () {
      if (status) status.textContent = ui.failed;
    });
  }

  function start() { setupBox(); setupPage(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
