/* The public map of requests (/requests/): one circle per compound or grid with
 * the number of requests there (never a request's own point). With tiles
 * configured (MAP_TILE_URL, as static/js/map.js) they are drawn under the
 * circles; without, the map is a plain background with the communities named as
 * text. Without JavaScript or Leaflet the list below the map says the same. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (e) {
      return null;
    }
  }

  function listUrl(code) {
    var params = new URLSearchParams(window.location.search);
    params.set("area", code);
    params.delete("page");
    return "?" + params.toString();
  }

  function init() {
    var box = document.querySelector("[data-public-map]");
    var cfg = data("map-config") || {};
    var markers = data("map-markers") || [];
    if (!box || !window.L || !cfg.center) return;
    box.innerHTML = "";
    var map = L.map(box, { center: cfg.center, zoom: 14, attributionControl: !!cfg.tiles,
                           scrollWheelZoom: false });
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map);
    } else {
      box.classList.add("map-plain");
      (cfg.places || []).forEach(function (p) {
        L.tooltip({ permanent: true, direction: "center", className: "map-label community public-area" })
          .setLatLng([p.lat, p.lng]).setContent(document.createTextNode(p.name)).addTo(map);
      });
    }
    var points = [];
    markers.forEach(function (m) {
      var size = Math.min(56, 26 + 6 * Math.log(m.count) / Math.LN2);
      var icon = L.divIcon({ className: "public-marker", iconSize: [size, size],
                             html: "<span>" + m.count + "</span>" });
      var marker = L.marker([m.lat, m.lng], { icon: icon, title: m.name + " · " + m.count, keyboard: true });
      var popup = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = m.name;
      var link = document.createElement("a");
      link.href = listUrl(m.code);
      link.textContent = m.count + " \u203a";
      link.setAttribute("data-marker-link", m.code);
      popup.appendChild(name);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(link);
      marker.bindPopup(popup);
      marker.addTo(map);
      marker.getElement().setAttribute("data-marker", m.code);
      marker.getElement().setAttribute("data-count", m.count);
      points.push([m.lat, m.lng]);
    });
    if (points.length > 1) {
      map.fitBounds(points, { padding: [40, 40], maxZoom: 16 });
    } else if (points.length === 1) {
      map.setView(points[0], 15);
    }
    box.setAttribute("data-ready", String(points.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
