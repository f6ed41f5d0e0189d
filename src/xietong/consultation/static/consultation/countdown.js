// Countdowns to a consultation's deadlines: "3 d 4 h" left, updated every minute (no reload).
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function left(ms) {
    if (ms <= 0) { return zh ? "已截止" : "closed"; }
    var m = Math.floor(ms / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    m = m % 60;
    if (zh) { return "剩余 " + (d ? d + " 天 " : "") + h + " 小时 " + (d ? "" : m + " 分"); }
    return (d ? d + " d " : "") + h + " h " + (d ? "" : m + " min ") + "left";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      el.textContent = left(new Date(el.getAttribute("data-deadline")).getTime() - now);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 60000); });
})();
