// huibian: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- sortable tables: click a header to sort by that column -------------------------------
  function cellValue(row, i, numeric) {
    var cell = row.cells[i];
    if (!cell) return numeric ? -Infinity : "";
    var raw = cell.getAttribute("data-v");
    if (raw === null) raw = cell.textContent.trim();
    if (numeric) {
      var n = parseFloat(raw);
      return isNaN(n) ? -Infinity : n;
    }
    return raw;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, i) {
      th.setAttribute("tabindex", "0");
      function sort() {
        var numeric = th.getAttribute("data-type") === "num";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i, numeric), y = cellValue(b, i, numeric);
          var c = numeric ? x - y : String(x).localeCompare(String(y), "zh");
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });

  // --- filter boxes: narrow a table's rows as you type --------------------------------------
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.querySelector(input.getAttribute("data-filter"));
    if (!table) return;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  });

  // --- reader: click a fact mark to see its fields ------------------------------------------
  var dataEl = document.getElementById("facts-data");
  var pop = document.getElementById("popover");
  if (!dataEl || !pop) return;
  var facts = {};
  JSON.parse(dataEl.textContent).forEach(function (f) { facts[String(f.id)] = f; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(dl, name, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", name));
    dl.appendChild(el("dd", value));
  }
  function card(f) {
    var box = el("div", null, "fact-card");
    box.setAttribute("data-card", f.id);
    var h = el("h3", (f.indicator || "—") + " · " + f.name);
    box.appendChild(h);
    var dl = el("dl");
    var value = f.value_hi !== null && f.value_hi !== undefined ? f.value + "–" + f.value_hi : f.value;
    row(dl, "indicator", f.indicator || "—");
    row(dl, "value", value);
    row(dl, "unit", f.unit || "—");
    row(dl, "period", f.period + (f.base_period ? " (base " + f.base_period + ")" : ""));
    row(dl, "kind", f.kind);
    row(dl, "measure", f.measure);
    row(dl, "cmp", f.cmp);
    row(dl, "scope", f.scope || "(whole region)");
    row(dl, "quote", f.quote);
    if (f.confidence !== null && f.confidence !== undefined) {
      row(dl, "OCR", f.low_confidence ? "confidence " + f.confidence + " — low: check this number on the page"
                                      : "confidence " + f.confidence);
      if (f.low_confidence) box.classList.add("low-conf");
    }
    if (f.kind === "target") {
      var o = f.outcome;
      if (o) {
        row(dl, "outcome", (o.outcome_value === null ? "—" : o.outcome_value) + " (" + (o.outcome_kind || "none found") + ")");
        row(dl, "status", o.status);
        if (o.outcome_report) {
          dl.appendChild(el("dt", "outcome said"));
          var dd = el("dd");
          var a = el("a", o.outcome_report + ": " + (o.outcome_quote || ""));
          a.href = "/reports/" + encodeURIComponent(o.outcome_report) + "?hl=" + encodeURIComponent(o.outcome_quote || "") + "#hit-0";
          dd.appendChild(a);
          dl.appendChild(dd);
        }
      } else {
        row(dl, "outcome", "not linked");
      }
    }
    box.appendChild(dl);
    return box;
  }
  var active = [];
  function hide() {
    pop.hidden = true;
    active.forEach(function (m) { m.classList.remove("active"); });
    active = [];
  }
  function show(mark) {
    hide();
    // the clicked fact first, then the facts whose quotes enclose it
    var ids = [], node = mark;
    while (node && node.closest) {
      node = node.closest("mark[data-fact]");
      if (!node) break;
      if (ids.indexOf(node.getAttribute("data-fact")) < 0) ids.push(node.getAttribute("data-fact"));
      node = node.parentElement;
    }
    while (pop.firstChild) pop.removeChild(pop.firstChild);
    var close = el("button", "×", "close");
    close.setAttribute("aria-label", "close");
    close.addEventListener("click", hide);
    pop.appendChild(close);
    ids.forEach(function (id) { if (facts[id]) pop.appendChild(card(facts[id])); });
    document.querySelectorAll('mark[data-fact="' + ids[0] + '"]').forEach(function (m) { m.classList.add("active"); active.push(m); });
    var r = mark.getBoundingClientRect();
    pop.hidden = false;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 8);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = (window.scrollY + r.bottom + 6) + "px";
  }
  document.addEventListener("click", function (e) {
    var m = e.target.closest && e.target.closest("mark[data-fact]");
    if (m) { e.preventDefault(); show(m); return; }
    if (!pop.contains(e.target)) hide();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") hide();
    if (e.key === "Enter" && e.target.matches && e.target.matches("mark[data-fact]")) show(e.target);
  });
  // a link to #f-ID opens that fact
  function fromHash() {
    var m = /^#f-(\d+)$/.exec(location.hash);
    if (m) { var mark = document.getElementById("f-" + m[1]); if (mark) show(mark); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
