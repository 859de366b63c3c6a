/* The export's progress page: asks for the job's status every second and moves
 * the bar; when the file is made (or the job failed) the page is loaded again,
 * which shows the download link or the reason. Without JavaScript a <noscript>
 * meta refresh reloads the page instead. */
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-export]");
    if (!box) return;
    var state = box.getAttribute("data-state");
    if (state === "done" || state === "failed") return;
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("[data-export-bar]");
    var label = box.querySelector("[data-export-label]");
    var count = box.querySelector("[data-export-count]");
    var done = box.querySelector("[data-export-done]");
    var total = box.querySelector("[data-export-total]");
    var percent = box.querySelector("[data-export-percent]");

    function show(s) {
      if (s.total || s.state === "done") bar.value = s.percent;
      bar.textContent = s.percent + "%";
      percent.textContent = s.percent + "%";
      label.textContent = s.label;
      count.hidden = !s.total;
      done.textContent = s.done;
      total.textContent = s.total;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return setTimeout(poll, 5000);
          show(s);
          if (s.state === "done" || s.state === "failed") window.location.reload();
          else setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
