// Search for a ledestjerne site read from a folder (file://), where Pagefind
// cannot fetch its index. search-index.js holds the documents; MiniSearch
// (minisearch.js, MIT licence) searches them. This file gives search.js the
// part of Pagefind's interface it uses: search(query, {filters}) with
// results whose data() resolves to {url, meta: {title, kind}, excerpt}, and
// filters(). Danish letters fold as in the Pagefind documents: a word with
// æ, ø or å is also found typed with ae/oe/aa or a/o/a.
(function () {
  "use strict";

  // Lower case in the page's own language (Turkish and Lithuanian differ from the default).
  var lang = (function () {
    try { var l = document.documentElement.lang || undefined; "a".toLocaleLowerCase(l); return l; } catch (e) { return undefined; }
  })();
  function lower(s) { return String(s).normalize("NFC").toLocaleLowerCase(lang); }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  // Splits on anything that is not a letter, digit, or a hyphen inside a word (OPI-guiden).
  function tokenize(text) { return lower(text).split(/[^\p{L}\p{N}-]+|-(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])-/u).filter(Boolean); }

  function excerpt(text, terms, length) {
    var words = text.split(/\s+/);
    var hit = words.findIndex(function (w) {
      var l = lower(w);
      return terms.some(function (t) { return l.indexOf(t) >= 0; });
    });
    var start = Math.max(0, (hit < 0 ? 0 : hit) - Math.floor(length / 2));
    return words.slice(start, start + length).map(function (w) {
      var l = lower(w);
      var marked = terms.some(function (t) { return t.length > 1 && l.indexOf(t) >= 0; });
      return marked ? "<mark>" + escapeHtml(w) + "</mark>" : escapeHtml(w);
    }).join(" ");
  }

  // Loads the script at `src`; resolves when it has run.
  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  // MiniSearch and the index, loaded by <script> (file:// allows no fetch), then the search.
  window.ledestjerneLocalSearch = function (base) {
    return load(base + "minisearch.js")
      .then(function () { return load(base + "search-index.js"); })
      .then(function () { return localSearch(window.ledestjerneIndex, base); });
  };

  function localSearch(index, base) {
    var docs = index.docs;
    // Filter names as Pagefind hands them back: HTML-escaped (search.js decodes them for display).
    docs.forEach(function (d) {
      d.fe = {};
      Object.keys(d.f).forEach(function (name) { d.fe[escapeHtml(name)] = d.f[name]; });
    });
    var engine = new window.MiniSearch({
      idField: "id",
      fields: ["t", "x", "v"],
      tokenize: tokenize,
      processTerm: function (term) { return term.length ? term : null; },
      searchOptions: {
        boost: { t: 6, x: 1, v: 1 },
        prefix: function (term) { return term.length >= 3; },
        fuzzy: function (term) { return term.length >= 6 ? 0.2 : false; },
        combineWith: "OR",
        boostDocument: function (id) { return docs[id].w || 1; },
      },
    });
    engine.addAll(docs.map(function (d, i) { return { id: i, t: d.t, x: d.x, v: d.v }; }));

    function matches(doc, filters) {
      return Object.keys(filters).every(function (name) {
        var want = filters[name];
        var have = doc.fe[name] || [];
        return (Array.isArray(want) ? want : [want]).every(function (v) { return have.indexOf(v) >= 0; });
      });
    }

    function data(doc, terms) {
      var url = base + doc.u + "index.html";
      return { url: url, meta: { title: doc.t, kind: doc.k }, excerpt: excerpt(doc.x, terms, 22) };
    }

    return {
      search: function (query, options) {
        var filters = (options && options.filters) || {};
        var terms = query ? tokenize(query) : [];
        var hits = query
          ? engine.search(query, { filter: function (r) { return matches(docs[r.id], filters); } }).map(function (r) { return docs[r.id]; })
          : docs.filter(function (d) { return matches(d, filters); });
        var results = hits.map(function (doc) { return { data: function () { return Promise.resolve(data(doc, terms)); } }; });
        return Promise.resolve({ results: results });
      },
      filters: function () {
        var out = {};
        docs.forEach(function (d) {
          Object.keys(d.fe).forEach(function (name) {
            out[name] = out[name] || {};
            d.fe[name].forEach(function (v) { out[name][v] = (out[name][v] || 0) + 1; });
          });
        });
        return Promise.resolve(out);
      },
    };
  }
})();
