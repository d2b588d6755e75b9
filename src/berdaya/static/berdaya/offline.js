// Berdaya on a phone without a connection: the service worker keeps the app's pages and
// files; a household registered offline waits on the phone and is sent when the phone is
// back online. Each form carries its own submission id, so a form sent twice (a retry, a
// flaky connection) registers one household.
(function () {
  "use strict";
  var KEY = "berdaya.queue";
  var bar = document.getElementById("offline-queue");

  function say(name) { return (bar && bar.getAttribute("data-" + name)) || ""; }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(items) { window.localStorage.setItem(KEY, JSON.stringify(items)); }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show() {
    if (!bar) return;
    var items = load();
    var list = bar.querySelector("[data-queue-items]");
    var count = bar.querySelector("[data-queue-count]");
    bar.hidden = items.length === 0;
    if (!items.length) return;
    count.textContent = say("waiting").replace("%(count)s", String(items.length));
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-testid", "queued-item");
      li.textContent = item.label;
      if (item.problem) {
        var problem = document.createElement("small");
        problem.className = "field-error";
        problem.textContent = say("refused") + " " + item.problem;
        li.appendChild(problem);
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "small secondary outline";
        drop.textContent = say("discard");
        drop.addEventListener("click", function () {
          store(load().filter(function (other) { return other.id !== item.id; }));
          show();
        });
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
  }

  function queue(form, label) {
    var body = new URLSearchParams(new FormData(form)).toString();
    var items = load();
    items.push({ id: newId(), url: form.action || window.location.pathname, body: body, label: label, savedAt: new Date().toISOString() });
    store(items);
    show();
  }

  function refusalOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = Array.prototype.map.call(
      page.querySelectorAll(".field-error, .message.error"),
      function (node) { return node.textContent.trim(); }
    ).filter(Boolean);
    return found.slice(0, 3).join(" ") || say("check");
  }

  function freshToken() {
    return fetch("/registri/rumah-tangga/baru/", { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var input = page.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
      });
  }

  function send(item, retried) {
    return fetch(item.url, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Berdaya-Queued": "1" },
    }).then(function (response) {
      if (response.ok && response.redirected) return { done: true };
      if (response.status === 403 && !retried) {
        // The sign-in changed the form's security token: take a fresh one and retry once.
        return freshToken().then(function (token) {
          var body = new URLSearchParams(item.body);
          body.set("csrfmiddlewaretoken", token);
          item.body = body.toString();
          return send(item, true);
        });
      }
      return response.text().then(function (html) { return { problem: refusalOf(html) }; });
    });
  }

  var sending = false;
  function sync() {
    if (sending || !navigator.onLine) return Promise.resolve();
    var pending = load().filter(function (item) { return !item.problem; });
    if (!pending.length) return Promise.resolve();
    sending = true;
    var chain = Promise.resolve();
    pending.forEach(function (item) {
      chain = chain.then(function () {
        return send(item).then(function (result) {
          var items = load();
          if (result.done) {
            items = items.filter(function (other) { return other.id !== item.id; });
          } else {
            items.forEach(function (other) { if (other.id === item.id) other.problem = result.problem; });
          }
          store(items);
          show();
        });
      });
    });
    return chain.catch(function () { /* still offline: try again later */ }).then(function () {
      sending = false;
      if (bar && !load().length && bar.getAttribute("data-sent")) {
        var done = document.getElementById("offline-sent");
        if (done) { done.hidden = false; }
      }
    });
  }

  function offlineForms() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), function (form) {
      var id = form.querySelector("input[name=submission]");
      if (id) id.value = newId(); // a cached page must never reuse an earlier form's id
      form.addEventListener("submit", function (event) {
        if (navigator.onLine) return;
        event.preventDefault();
        var name = form.querySelector("input[name$='-0-name']");
        queue(form, (name && name.value) || say("household"));
        form.reset();
        if (id) id.value = newId();
        var saved = document.getElementById("offline-saved");
        if (saved) saved.hidden = false;
        window.scrollTo(0, 0);
      });
    });
  }

  function signOut() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sign-out]"), function (form) {
      form.addEventListener("submit", function (event) {
        var waiting = load().length;
        if (waiting && !window.confirm(say("signout").replace("%(count)s", String(waiting)))) {
          event.preventDefault();
          return;
        }
        // Personal data stays on the phone only while someone is signed in.
        window.localStorage.removeItem(KEY);
        if (window.caches) {
          window.caches.keys().then(function (keys) { keys.forEach(function (k) { window.caches.delete(k); }); });
        }
      });
    });
  }

  function start() {
    if ("serviceWorker" in navigator && bar && bar.getAttribute("data-worker")) {
      navigator.serviceWorker.register(bar.getAttribute("data-worker"), { scope: "/" }).catch(function () {});
    }
    offlineForms();
    signOut();
    show();
    var button = bar && bar.querySelector("[data-send-now]");
    if (button) button.addEventListener("click", sync);
    window.addEventListener("online", sync);
    sync();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
