// Pickers (xietong.web.pickers): the forms work without this file; it adds searching.
// No inline script (the Content-Security-Policy forbids it): behaviour hangs off data- attributes.
(function () {
  "use strict";

  function norm(s) { return (s || "").toLowerCase().replace(/\s+/g, " ").trim(); }

  // <input data-filter-for="SELECT_ID" hidden>: shown, and typing hides the options of the
  // select that match neither their text (Chinese name), nor data-search (pinyin, code).
  function treeFilters() {
    document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
      var select = document.getElementById(box.getAttribute("data-filter-for"));
      if (!select) return;
      box.hidden = false;
      box.addEventListener("input", function () {
        var q = norm(box.value), first = null;
        Array.prototype.forEach.call(select.options, function (o) {
          var hay = norm(o.textContent) + " " + norm(o.getAttribute("data-search")) + " " + o.value;
          var show = !q || !o.value || hay.indexOf(q) !== -1;
          o.hidden = !show;
          if (show && o.value && first === null) first = o;
        });
        if (q && first && select.selectedOptions.length && select.selectedOptions[0].hidden) {
          select.value = first.value;
        }
      });
    });
  }

  // <input data-picker="URL" list="ID">: as one types, the datalist is refilled with what the
  // scoped search endpoint answers ({items: [{value, label}], more}); the chosen label is shown
  // in the <output> beside the box.
  function searchPickers() {
    document.querySelectorAll("input[data-picker]").forEach(function (box) {
      var list = document.getElementById(box.getAttribute("list"));
      var out = box.parentNode.querySelector("output.picker-label");
      var labels = {}, timer = null, asked = "";
      if (list) {
        Array.prototype.forEach.call(list.options, function (o) { labels[o.value] = o.textContent; });
      }
      function showLabel() { if (out) out.textContent = labels[box.value.trim()] || ""; }
      function ask() {
        var q = box.value.trim();
        if (q === asked) return;
        asked = q;
        var url = box.getAttribute("data-picker");
        url += (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(q);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            if (box.value.trim() !== q || !list) return;
            list.textContent = "";
            data.items.forEach(function (item) {
              var o = document.createElement("option");
              o.value = item.value;
              o.textContent = item.label;
              labels[item.value] = item.label;
              list.appendChild(o);
            });
            showLabel();
          })
          .catch(function () { /* offline: the browser's own datalist filtering still works */ });
      }
      box.addEventListener("input", function () {
        showLabel();
        clearTimeout(timer);
        timer = setTimeout(ask, 200);
      });
      showLabel();
    });
  }

  function ready() { treeFilters(); searchPickers(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
