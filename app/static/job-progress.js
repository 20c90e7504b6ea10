// A background job's progress (templates/_job_progress.html): poll the job's small JSON, move the bar, and
// reload once it has finished. Without this script the page's <meta http-equiv="refresh"> reloads it instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box) { return; }
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) { refresh.parentNode.removeChild(refresh); }
  var bar = box.querySelector("progress");
  var rows = box.querySelector("[data-rows]");
  var stage = box.querySelector("[data-stage]");
  var words = JSON.parse(box.getAttribute("data-stages"));
  var count = box.getAttribute("data-count");
  function poll() {
    fetch(box.getAttribute("data-poll"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (job) {
        if (!job.running) { window.location.reload(); return; }
        if (job.rows_total) {
          bar.max = job.rows_total;
          bar.value = job.rows_done;
          rows.textContent = count.replace("{done}", job.rows_done).replace("{total}", job.rows_total);
        }
        stage.textContent = words[job.state] || stage.textContent;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
