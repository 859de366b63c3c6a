/* Hubiying maps: a pin picker on the intake forms ([data-map-pick]) and a
 * read-only pin on the staff request page ([data-map-show]).
 * Without tiles configured (MAP_TILE_URL empty) the map draws the known
 * communities and compounds as labelled points: tapping one puts the pin there
 * and picks its community in the form. Without JavaScript or Leaflet the pages
 * work with the address field only. */
(function () {
  "use strict";
  if (!window.L) return;

  function config() {
    var node = document.getElementById("map-config");
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  function makeMap(box, cfg, center, options, onPlace) {
    var map = L.map(box, Object.assign({ center: center, zoom: cfg.zoom || 15, attributionControl: !!cfg.tiles }, options || {}));
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map);
    } else {
      box.classList.add("map-plain");
      drawPlaces(map, cfg.places || [], onPlace);
    }
    return map;
  }

  var COMPOUND_LABELS_FROM = 16; // below this zoom only the communities are named

  // The tree's places, labelled, for a map without tiles.
  function drawPlaces(map, places, onPlace) {
    var compounds = [];
    places.forEach(function (p) {
      var community = p.kind === "community";
      var dot = L.circleMarker([p.lat, p.lng], {
        radius: community ? 7 : 5, weight: 2, color: community ? "#a61b1b" : "#4a5560",
        fillColor: community ? "#f3c6c3" : "#ffffff", fillOpacity: 1
      }).addTo(map);
      dot.bindTooltip(p.name, { permanent: community, direction: "right",
                                className: "map-label" + (community ? " community" : "") });
      if (!community) compounds.push(dot);
      if (onPlace) {
        dot.on("click", function (e) {
          L.DomEvent.stopPropagation(e);
          onPlace(p, L.latLng(p.lat, p.lng));
        });
      }
    });
    function labels() {
      var show = map.getZoom() >= COMPOUND_LABELS_FROM;
      compounds.forEach(function (dot) {
        if (show) { dot.openTooltip(); } else { dot.closeTooltip(); }
        dot.getTooltip().options.permanent = show;
      });
    }
    map.on("zoomend", labels);
    map.whenReady(labels);
  }

  function picker(wrap, cfg) {
    var form = wrap.closest("form");
    var lat = form.querySelector("[data-map-lat]");
    var lng = form.querySelector("[data-map-lng]");
    var status = wrap.querySelector("[data-map-status]");
    var box = wrap.querySelector("[data-map]");
    wrap.hidden = false;
    var start = lat.value && lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : cfg.center;
    var community = form.querySelector('select[name="community"]');
    var marker = null;
    var map = makeMap(box, cfg, start, null, function (p, latlng) {
      place(latlng);
      if (community && p.community) {
        community.value = p.community;
        community.dispatchEvent(new Event("change", { bubbles: true }));
      }
      if (status) status.textContent = "\u2713 " + p.name;
    });
    if (!cfg.tiles && !(lat.value && lng.value)) {
      // Without tiles, show the known places around the centre (within 3 km), all labelled.
      var centre = L.latLng(start[0], start[1]);
      var near = (cfg.places || []).filter(function (p) { return centre.distanceTo([p.lat, p.lng]) < 3000; });
      if (near.length > 1) {
        map.fitBounds(near.map(function (p) { return [p.lat, p.lng]; }), { padding: [30, 30], maxZoom: 16 });
      }
    }

    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng()); });
      }
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      box.setAttribute("data-pinned", "1");
      if (status) status.textContent = "\u2713";
    }

    if (lat.value && lng.value) place(L.latLng(start[0], start[1]));
    map.on("click", function (e) { place(e.latlng); });

    var clear = wrap.querySelector("[data-map-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) map.removeLayer(marker);
        marker = null;
        lat.value = "";
        lng.value = "";
        box.removeAttribute("data-pinned");
        if (status) status.textContent = "";
      });
    }
    var locate = wrap.querySelector("[data-map-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        if (status) status.textContent = "\u2026";
        navigator.geolocation.getCurrentPosition(function (pos) {
          var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(here, 17);
          place(here);
        }, function () {
          if (status) status.textContent = "\u2715";
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
  }

  function viewer(box, cfg) {
    var here = [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lng"))];
    if (isNaN(here[0]) || isNaN(here[1])) return;
    box.innerHTML = "";
    var map = makeMap(box, cfg, here, { zoom: 16, scrollWheelZoom: false, dragging: !L.Browser.mobile });
    L.marker(here).addTo(map);
  }

  function init() {
    var cfg = config();
    if (!cfg.center) return;
    document.querySelectorAll("[data-map-pick]").forEach(function (wrap) { picker(wrap, cfg); });
    document.querySelectorAll("[data-map-show]").forEach(function (box) { viewer(box, cfg); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
