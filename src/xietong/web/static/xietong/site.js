// The site's only script besides plotly.js. Pages carry no inline script (the
// Content-Security-Policy forbids it): behaviour hangs off data- attributes.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the language switch).
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // <div data-figure="ID"> + <script type="application/json" id="ID">{data, layout, config}:
  // a Plotly figure rendered on the server as data (xietong.web.charts.figure_html).
  function charts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var block = document.getElementById(div.getAttribute("data-figure"));
      if (!block || div.hasAttribute("data-drawn")) return;
      var figure = JSON.parse(block.textContent);
      div.setAttribute("data-drawn", "");
      window.Plotly.newPlot(div, figure.data, figure.layout, figure.config);
    });
  }

  function ready() { autosubmit(); charts(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
