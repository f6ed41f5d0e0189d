// Progress of a background job without reloading the page. The page carries
// <div data-job-url="/api/jobs/ID"> with a <progress> and [data-job-stage], [data-job-steps], [data-job-count],
// [data-job-error] inside; this script polls the job's JSON and, when it has succeeded, loads
// the page that shows its result (data-job-done-url, else the job's result_url, else this page).
(function () {
  "use strict";

  function poll(box) {
    var url = box.getAttribute("data-job-url");
    var bar = box.querySelector("progress");
    var stage = box.querySelector("[data-job-stage]");
    var count = box.querySelector("[data-job-count]");
    var error = box.querySelector("[data-job-error]");
    var steps = box.querySelector("[data-job-steps]");
    var every = parseInt(box.getAttribute("data-job-poll-ms") || "700", 10);

    function show(job) {
      box.setAttribute("data-job-status", job.status);
      if (stage) stage.textContent = job.stage_label;
      if (steps && job.steps) {
        // the stages gone through so far, in order: a short one shows even if no poll fell in it
        steps.replaceChildren.apply(steps, job.steps.map(function (s, i) {
          var li = document.createElement("li");
          li.setAttribute("data-stage", s.stage);
          li.textContent = s.label;
          if (i === job.steps.length - 1 && job.status === "running") li.setAttribute("aria-current", "step");
          return li;
        }));
      }
      if (bar) {
        if (job.percent === null) bar.removeAttribute("value");
        else bar.value = job.percent;
      }
      if (count) count.textContent = job.total ? job.done + " / " + job.total : "";
      if (job.status === "succeeded") {
        window.location.assign(box.getAttribute("data-job-done-url") || job.result_url || window.location.pathname);
        return false;
      }
      if (job.status === "failed") {
        if (error) { error.textContent = job.error_message; error.hidden = false; }
        if (bar) bar.value = 0;
        return false;
      }
      return true;
    }

    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (job) { if (show(job)) window.setTimeout(tick, every); })
        .catch(function () { window.setTimeout(tick, every * 3); });
    }
    tick();
  }

  function ready() { document.querySelectorAll("[data-job-url]").forEach(poll); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
