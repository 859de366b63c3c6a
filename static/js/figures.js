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

  // The hotspot map: one circle per place, its area by the requests made there;
  // without a tile server, on a plain background with the busiest places named.
  function hotspotMap() {
    var box = document.querySelector("[data-hotspot-map]");
    var places = data("hotspot-data");
    if (!box || !window.L || !places.length) { if (box) box.hidden = true; return; }
    var cfg = data("hotspot-config") || {};
    var map = L.map(box, { attributionControl: !!cfg.tiles, scrollWheelZoom: false });
    if (cfg.tiles) { L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map); } else { box.classList.add("map-plain"); }
    var max = places[0].received || 1;
    var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
    var table = document.querySelector("[data-hotspot-table] a");
    var base = table ? table.getAttribute("href").replace(/place=\d+/, "place=") : null;
    var bounds = [];
    places.forEach(function (p, i) {
      var share = p.received ? p.dissatisfied / p.received : 0;
      var dot = L.circleMarker([p.lat, p.lng], {
        radius: 5 + 20 * Math.sqrt(p.received / max), weight: 1.5, color: "#7a1010",
        fillColor: share > 0.2 ? "#d7301f" : "#fc8d59", fillOpacity: 0.55
      }).addTo(map);
      var text = p.name + " · " + (zh ? "收到 " : "received ") + p.received;
      dot.bindTooltip(text, { permanent: i < 5, direction: "right", className: "map-label" });
      var popup = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = p.name;
      popup.appendChild(title);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode((zh ? "收到 " : "Received ") + p.received + (zh ? "，已答复 " : ", replied ") +
        p.replied + (zh ? "，不满意 " : ", dissatisfied ") + p.dissatisfied));
      if (base) {
        var link = document.createElement("a");
        link.href = base.replace("place=", "place=" + p.id);
        link.textContent = zh ? "查看这些诉求" : "See these requests";
        popup.appendChild(document.createElement("br"));
        popup.appendChild(link);
      }
      dot.bindPopup(popup);
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
  }

  // The hotspot map and the frequent words come apart from the page (their reading
  // takes longer than the figures): each section names its fragment.
  function fragments() {
    if (!window.fetch) return;
    document.querySelectorAll("[data-fragment]").forEach(function (box) {
      fetch(box.getAttribute("data-fragment"), { headers: { "X-Fragment": "1" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var loading = box.querySelector("[data-fragment-loading]");
          if (loading) loading.remove();
          box.insertAdjacentHTML("beforeend", html);
          if (box.querySelector("[data-hotspot-map]")) hotspotMap();
        })
        .catch(function () {});
    });
  }

  document.addEventListener("DOMContentLoaded", function () { periodSwitch(); charts(); hotspotMap(); fragments(); });
})();
