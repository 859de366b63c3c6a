/* The dashboard's charts (ECharts, served from node_modules). Without it, or
 * without JavaScript, the tables beside each chart say the same. */
(function () {
  "use strict";

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : [];
  }

  function periodSwitch() {
    var select = document.querySelector("[data-period]");
    if (!select) return;
    select.addEventListener("change", function () {
      var custom = select.value === "custom";
      document.querySelectorAll("[data-custom]").forEach(function (el) { el.hidden = !custom; });
    });
  }

  function charts() {
    if (!window.echarts) return;
    var lang = document.documentElement.lang || "zh-hans";
    var zh = lang.indexOf("zh") === 0;
    var trendEl = document.querySelector('[data-chart="trend"]');
    var trend = data("trend-data");
    if (trendEl && trend.length) {
      var t = echarts.init(trendEl);
      t.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [zh ? "收到" : "Received", zh ? "已答复" : "Replied"] },
        grid: { left: 40, right: 12, top: 36, bottom: 28 },
        xAxis: { type: "category", data: trend.map(function (r) { return r.at; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: zh ? "收到" : "Received", type: "line", data: trend.map(function (r) { return r.received; }) },
          { name: zh ? "已答复" : "Replied", type: "line", data: trend.map(function (r) { return r.replied; }) }
        ]
      });
      window.addEventListener("resize", function () { t.resize(); });
    }
    var catEl = document.querySelector('[data-chart="categories"]');
    var cats = data("category-data");
    if (catEl && cats.length) {
      var c = echarts.init(catEl);
      var top = cats.slice(0, 8);
      var rest = cats.slice(8).reduce(function (n, r) { return n + r.received; }, 0);
      var pie = top.map(function (r) { return { name: r.name, value: r.received, code: r.code }; });
      if (rest) pie.push({ name: zh ? "其他" : "Other", value: rest });
      var narrow = catEl.clientWidth < 480;  // a phone: the legend below instead of labels around
      c.setOption({
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: narrow ? { bottom: 0, type: "scroll" } : { show: false },
        series: [{ type: "pie", radius: narrow ? ["28%", "55%"] : ["35%", "65%"], center: ["50%", narrow ? "42%" : "50%"],
                   data: pie, label: { show: !narrow, formatter: "{b}\n{d}%" } }]
      });
      c.on("click", function (p) {
        if (!p.data || !p.data.code) return;
        var link = document.querySelector('a[href*="category=' + p.data.code + '&"]');
        if (link) window.location.href = link.href;
      });
      window.addEventListener("resize", function () { c.resize(); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () { periodSwitch(); charts(); });
})();
