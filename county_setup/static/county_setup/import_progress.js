/* The import's progress page: asks for the job's status every second and moves
 * the bar; once the check or the apply has ended the page is loaded again,
 * which shows the report. Without JavaScript a <noscript> refresh does it. */
(function () {
  "use strict";
  var ENDED = ["checked", "refused", "applied", "failed"];

  function start() {
    var box = document.querySelector("[data-import]");
    if (!box || ENDED.indexOf(box.getAttribute("data-state")) >= 0) return;
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("[data-import-bar]");
    var label = box.querySelector("[data-import-label]");
    var done = box.querySelector("[data-import-done]");
    var percent = box.querySelector("[data-import-percent]");

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return setTimeout(poll, 5000);
          if (bar) { bar.value = s.percent; bar.textContent = s.percent + "%"; }
          percent.textContent = s.percent + "%";
          label.textContent = s.label;
          done.textContent = s.done;
          if (ENDED.indexOf(s.state) >= 0) window.location.reload();
          else setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
