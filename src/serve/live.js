// Live reload for `ledestjerne serve`.
(() => {
  "use strict";
  const script = document.currentScript;
  let version = script ? script.dataset.version : "";
  const ID = "ledestjerne-overlay";

  function el(tag, css, text) {
    const e = document.createElement(tag);
    e.style.cssText = css;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function hide() {
    const old = document.getElementById(ID);
    if (old) old.remove();
  }

  function item(d) {
    const li = el("li", "margin:0;padding:.75em 0;border-top:1px solid #ddd;list-style:none;");
    li.append(el("code", "display:block;font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#333;", `${d.path}:${d.line}:${d.col}`));
    li.append(el("div", "margin:.25em 0;font-weight:600;color:" + (d.severity === "error" ? "#a00018" : "#7a4d00") + ";", `${d.severity}: ${d.message}`));
    if (d.help) li.append(el("div", "color:#222;", `help: ${d.help}`));
    return li;
  }

  function show(list) {
    hide();
    if (!Array.isArray(list) || list.length === 0) return;
    const errors = list.filter((d) => d.severity === "error").length;
    const box = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:5vh 4vw;background:rgba(15,15,15,.72);font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;text-align:left;");
    box.id = ID;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", ID + "-title");
    const panel = el("div", "box-sizing:border-box;max-width:60em;margin:0 auto;padding:1.25em 1.5em;background:#fff;color:#111;border-top:6px solid #a00018;border-radius:6px;box-shadow:0 12px 40px rgba(0,0,0,.45);");
    const close = el("button", "float:right;margin:0 0 .5em 1em;padding:.3em .8em;font:inherit;cursor:pointer;", "Hide");
    close.type = "button";
    close.addEventListener("click", hide);
    const title = el("h2", "margin:0 0 .25em;font-size:1.3em;color:#a00018;", `The site could not be rebuilt: ${errors} error${errors === 1 ? "" : "s"}`);
    title.id = ID + "-title";
    const note = el("p", "margin:0 0 .75em;color:#333;", "You are seeing the last version that built. Fix the problems below; the page reloads by itself.");
    const ul = el("ul", "margin:0;padding:0;");
    for (const d of list) ul.append(item(d));
    panel.append(close, title, note, ul);
    box.append(panel);
    (document.body || document.documentElement).append(box);
  }

  const initial = document.getElementById("ledestjerne-errors");
  if (initial) {
    try { show(JSON.parse(initial.textContent)); } catch (e) { console.warn("ledestjerne: bad error data", e); }
  }
  if (!("EventSource" in window)) return;
  const source = new EventSource("/__ledestjerne/events");
  // On (re)connecting the server says which build it serves; a page from
  // another build, or from a restarted server, is out of date.
  source.addEventListener("hello", (e) => { if (e.data !== version) location.reload(); });
  // A reload event names the pages that changed; other pages only take
  // the new version (and drop an error overlay that no longer applies).
  source.addEventListener("reload", (e) => {
    const data = JSON.parse(e.data);
    if (data.version === version) return;
    const here = location.pathname.replace(/index\.html$/, "");
    if (data.changed === null || data.changed.includes(decodeURI(here))) location.reload();
    else { version = data.version; hide(); }
  });
  source.addEventListener("errors", (e) => {
    const data = JSON.parse(e.data);
    version = data.version;
    show(data.diagnostics);
  });
})();
