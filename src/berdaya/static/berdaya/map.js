// The village and programme maps: draws the data the page embeds (#map-data) with Leaflet.
// Tiles come from the configured server; if none load (no network) the points still show
// on the plain background. No inline style is written (the CSP allows none): markers are
// SVG shapes whose colours are attributes.
(function () {
  "use strict";
  var COLOURS = {
    severe: "#b71c1c",
    poor: "#e65100",
    gap: "#e65100",
    covered: "#1565c0",
    vulnerable: "#f9a825",
    not_poor: "#2e7d32",
    unknown: "#9e9e9e",
  };
  var PLACE_COLOURS = { group: "#6a1b9a", institution: "#00838f", asset: "#4e342e" };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function popup(lines, link, label) {
    var box = document.createElement("div");
    lines.forEach(function (line, index) {
      if (index) box.appendChild(document.createElement("br"));
      box.appendChild(text(line));
    });
    if (link) {
      box.appendChild(document.createElement("br"));
      var a = document.createElement("a");
      a.href = link;
      a.textContent = label;
      box.appendChild(a);
    }
    return box;
  }

  function count(template, n) {
    return (template || "%(count)s").replace("%(count)s", String(n));
  }

  function start() {
    var element = document.getElementById("map");
    var source = document.getElementById("map-data");
    if (!element || !source || typeof L === "undefined") return;
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { preferCanvas: false });
    if (data.tiles && data.tiles.url) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    var bounds = [];
    var labels = {};
    (data.legend || []).forEach(function (item) { labels[item.code] = item.label; });

    (data.points || []).forEach(function (point) {
      var latlng = [point[0], point[1]];
      bounds.push(latlng);
      L.circleMarker(latlng, {
        radius: 6, weight: 1, color: "#263238", fillOpacity: 0.85,
        fillColor: COLOURS[point[2]] || COLOURS.unknown, className: "household-point",
      })
        .bindPopup(popup([labels[point[2]] || point[2]], point[3], element.dataset.household))
        .addTo(map);
    });

    var half = (data.cellSize || 0) / 2;
    (data.cells || []).forEach(function (cell) {
      var corners = [[cell.lat - half, cell.lng - half], [cell.lat + half, cell.lng + half]];
      bounds.push(corners[0], corners[1]);
      var largest = null;
      var lines = [count(element.dataset.households, cell.count)];
      Object.keys(cell.categories).forEach(function (code) {
        if (largest === null || cell.categories[code] > cell.categories[largest]) largest = code;
        lines.push((labels[code] || code) + ": " + cell.categories[code]);
      });
      if (largest === null) lines.push(element.dataset.hidden || "");
      L.rectangle(corners, {
        weight: 1, color: "#263238", fillOpacity: 0.6,
        fillColor: largest ? COLOURS[largest] || COLOURS.unknown : "#cfd8dc",
        className: "household-cell",
      }).bindPopup(popup(lines)).addTo(map);
    });

    (data.places || []).forEach(function (place) {
      var latlng = [place.lat, place.lng];
      bounds.push(latlng);
      L.circleMarker(latlng, {
        radius: 9, weight: 4, color: PLACE_COLOURS[place.kind] || "#6a1b9a",
        fillColor: "#ffffff", fillOpacity: 1, className: "place-" + place.kind,
      })
        .bindPopup(popup([place.name, place.detail], place.url, place.name))
        .addTo(map);
    });

    (data.villages || []).forEach(function (village) {
      var latlng = [village.lat, village.lng];
      bounds.push(latlng);
      L.circleMarker(latlng, {
        radius: 10, weight: 2, color: "#263238", fillColor: "#0172ad", fillOpacity: 0.8,
        className: "village-point",
      })
        .bindTooltip(village.name, { permanent: true, direction: "right" })
        .bindPopup(
          popup(
            [village.name, count(element.dataset.households, village.households),
              count(element.dataset.poor, village.poor)],
            village.url, element.dataset.open
          )
        )
        .addTo(map);
    });

    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    else map.setView([-2.5, 118], 4); // Indonesia, when there is nothing to show
    element.setAttribute("data-drawn", String(bounds.length));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
