/* Service places: "use my location" on the search form, the found places on a
 * map ([data-places-map]) and the compounds of the coverage page by the circle
 * they fall in ([data-coverage-map]). On a place's edit page, fields that
 * count only with one choice of a radio group ([data-shown-when="name=value"]:
 * a special day's times with "other hours", the holiday periods with "own
 * hours on public holidays") are shown only then. Without JavaScript or
 * Leaflet the pages are plain lists and tables that say the same. */
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

  function locate() {
    var form = document.querySelector("[data-place-search]");
    var button = form && form.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) return;
    var status = form.querySelector("[data-locate-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-wait") || "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(6);
        form.querySelector("[name=near]").value = "";
        form.submit();
      }, function () {
        status.textContent = button.getAttribute("data-denied") || "";
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  function baseMap(box, cfg, center) {
    box.hidden = false;
    var map = L.map(box, { center: center, zoom: 15, attributionControl: !!cfg.tiles, scrollWheelZoom: false });
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map);
    } else {
      // No tile server: the communities and compounds, named, so that the dots are somewhere (as on the public map).
      // In a pane of their own under the dots: a name never hides a place or "you are here".
      box.classList.add("map-plain");
      var pane = map.createPane("areas");
      pane.style.zIndex = 350;
      pane.style.pointerEvents = "none";
      (cfg.places || []).forEach(function (p) {
        L.tooltip({ permanent: true, direction: "center", className: "map-label community public-area", pane: "areas" })
          .setLatLng([p.lat, p.lng]).setContent(document.createTextNode(p.name)).addTo(map);
      });
      // Zoomed out over a town or a county the names run into one smudge: shown only close up.
      var names = function () { pane.style.display = map.getZoom() >= 14 ? "" : "none"; };
      map.on("zoomend", names);
      names();
    }
    return map;
  }

  function placesMap() {
    var box = document.querySelector("[data-places-map]");
    var cfg = data("map-config") || {};
    var markers = data("place-markers") || [];
    if (!box || !window.L || !markers.length) return;
    var map = baseMap(box, cfg, cfg.center || [markers[0].lat, markers[0].lng]);
    var points = [];
    markers.forEach(function (m, i) {
      var icon = L.divIcon({ className: "place-marker " + (m.open ? "is-open" : "is-closed"), iconSize: [28, 28],
                             html: "<span>" + (i + 1) + "</span>" });
      var marker = L.marker([m.lat, m.lng], { icon: icon, title: m.name, keyboard: true }).addTo(map);
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;
      marker.bindPopup(link);
      points.push([m.lat, m.lng]);
    });
    if (cfg.here) {
      L.circleMarker(cfg.center, { radius: 7, color: "#1f5fa8", fillColor: "#1f5fa8", fillOpacity: 0.9 }).addTo(map);
      points.push(cfg.center);
    }
    map.fitBounds(points, { padding: [24, 24], maxZoom: 17 });
  }

  var BAND_COLOURS = { "5": "#1e7b34", "10": "#7fae3a", "15": "#e0a100", "out": "#c0392b" };
  var ORDER = ["5", "10", "15", "out"];

  function coverageMap() {
    var box = document.querySelector("[data-coverage-map]");
    var markers = data("coverage-markers") || [];
    var cfg = data("map-config") || {};
    if (!box || !window.L || !markers.length) return;
    var map = baseMap(box, cfg, [markers[0].lat, markers[0].lng]);
    var points = [];
    markers.forEach(function (m) {
      // The worst circle among the kinds shown: a compound far from any of them stands out.
      var worst = "5";
      Object.keys(m.bands).forEach(function (k) {
        if (ORDER.indexOf(m.bands[k]) > ORDER.indexOf(worst)) worst = m.bands[k];
      });
      L.circleMarker([m.lat, m.lng], { radius: 8, weight: 2, color: "#333", fillColor: BAND_COLOURS[worst],
                                       fillOpacity: 0.9 }).bindTooltip(m.name).addTo(map);
      points.push([m.lat, m.lng]);
    });
    map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  }

  function shownWhen() {
    document.querySelectorAll("[data-shown-when]").forEach(function (group) {
      var rule = group.getAttribute("data-shown-when").split("=");
      var form = group.closest("form");
      var radios = form ? form.querySelectorAll('input[type=radio][name="' + rule[0] + '"]') : [];
      if (!radios.length) return;
      function update() {
        var chosen = form.querySelector('input[type=radio][name="' + rule[0] + '"]:checked');
        // A refused value inside stays in sight, whatever is chosen.
        group.hidden = !(chosen && chosen.value === rule[1]) && !group.querySelector(".error");
      }
      radios.forEach(function (r) { r.addEventListener("change", update); });
      update();
    });
  }

  function init() {
    shownWhen();
    locate();
    placesMap();
    coverageMap();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
