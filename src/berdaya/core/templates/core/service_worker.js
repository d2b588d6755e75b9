{% load static %}// Berdaya's service worker (rendered by core.views.service_worker, so the files it keeps
// carry their cache-busted names). It keeps the app's own files and the pages a facilitator
// needs in the field; every other page comes from the network, or the offline page.
"use strict";
var CACHE = "berdaya-{{ version }}";
var FILES = [
  "{% static 'vendor/pico/pico.min.css' %}",
  "{% static 'berdaya/app.css' %}",
  "{% static 'vendor/htmx/htmx.min.js' %}",
  "{% static 'berdaya/offline.js' %}",
  "{% static 'berdaya/register.js' %}",
  "{% static 'berdaya/favicon.svg' %}",
];
var PAGES = ["{% url 'registry:household-register' %}", "{% url 'core:offline' %}"];
var OFFLINE = "{% url 'core:offline' %}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // One by one: a page this user may not open (a viewer's) must not stop the rest.
      return Promise.all(FILES.concat(PAGES).map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) {
        return caches.delete(key);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (FILES.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;
  var kept = PAGES.indexOf(url.pathname) !== -1;
  event.respondWith(
    fetch(request).then(function (response) {
      if (kept && response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(kept ? url.pathname : OFFLINE).then(function (hit) {
        return hit || caches.match(OFFLINE);
      });
    })
  );
});
