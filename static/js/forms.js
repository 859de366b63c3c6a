/* Hubiying forms: a character count under every text field that has a limit
 * ([data-maxlength]: the server refuses longer text, it never cuts it), small
 * previews of the photos chosen ([data-photo-preview]), and the error summary
 * brought into view after a refused submission, and the extra questions of
 * the chosen category only ([data-questions-for]: the others are hidden and
 * disabled, so not sent). Without JavaScript the forms work the same, with
 * the server's messages (and every category's questions, each named). */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var zh = lang.indexOf("zh") === 0;

  function counterText(n, max) {
    if (n > max) {
      return zh ? "已超出 " + (n - max) + " 字（最多 " + max + " 字）" : (n - max) + " characters too many (at most " + max + ")";
    }
    return zh ? n + " / " + max + " 字" : n + " / " + max + " characters";
  }

  function counters() {
    document.querySelectorAll("[data-maxlength]").forEach(function (input) {
      var max = parseInt(input.getAttribute("data-maxlength"), 10);
      var out = document.querySelector('[data-counter-for="' + input.id + '"]');
      if (!out || !max) return;
      function update() {
        var n = Array.from(input.value).length; // characters, as the server counts them
        out.hidden = n === 0 && !input.closest(".has-error");
        out.textContent = counterText(n, max);
        out.classList.toggle("over", n > max);
        input.setAttribute("aria-invalid", n > max ? "true" : "false");
      }
      input.addEventListener("input", update);
      update();
    });
  }

  function previews() {
    document.querySelectorAll("[data-photo-preview]").forEach(function (input) {
      var list = document.querySelector('[data-preview-for="' + input.id + '"]');
      if (!list || !window.URL || !URL.createObjectURL) return;
      var urls = [];
      input.addEventListener("change", function () {
        urls.forEach(function (u) { URL.revokeObjectURL(u); });
        urls = [];
        list.innerHTML = "";
        Array.from(input.files || []).forEach(function (file) {
          var item = document.createElement("li");
          if (file.type.indexOf("image/") === 0) {
            var url = URL.createObjectURL(file);
            urls.push(url);
            var img = document.createElement("img");
            img.src = url;
            img.alt = file.name;
            item.appendChild(img);
          } else {
            item.textContent = file.name;
          }
          list.appendChild(item);
        });
        list.hidden = !list.children.length;
      });
    });
  }

  function questions() {
    document.querySelectorAll("form").forEach(function (form) {
      var groups = form.querySelectorAll("[data-questions-for]");
      var select = form.querySelector("select[name=category]");
      if (!groups.length || !select) return;
      function update() {
        groups.forEach(function (group) {
          var chosen = group.getAttribute("data-questions-for") === select.value;
          group.hidden = !chosen;
          group.disabled = !chosen;
        });
      }
      select.addEventListener("change", update);
      update();
    });
  }

  function summary() {
    var box = document.querySelector("[data-error-summary]");
    if (box) {
      box.scrollIntoView({ block: "start" });
      box.focus({ preventScroll: true });
    }
  }

  function init() {
    counters();
    previews();
    questions();
    summary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
