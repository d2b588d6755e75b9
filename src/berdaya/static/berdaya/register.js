// The household registration page: steps, one more member row, the phone's location.
// Without this script the page still works: every step shows, and "add another member"
// asks the server for one more row.
(function () {
  "use strict";

  function steps(form) {
    var parts = Array.prototype.slice.call(form.querySelectorAll("fieldset.step"));
    var back = form.querySelector("[data-step-back]");
    var next = form.querySelector("[data-step-next]");
    var count = form.querySelector("[data-step-count]");
    if (!parts.length || !back || !next) return;
    var label = form.getAttribute("data-step-label") || "%(step)s / %(count)s";
    var current = 0;
    // After a refusal, open the first step with a problem in it.
    parts.some(function (part, index) {
      if (part.querySelector(".field-error, [aria-invalid=true], .message.error")) {
        current = index;
        return true;
      }
      return false;
    });
    function show(index) {
      current = Math.max(0, Math.min(parts.length - 1, index));
      parts.forEach(function (part, i) { part.hidden = i !== current; });
      back.hidden = current === 0;
      next.hidden = current === parts.length - 1;
      count.hidden = false;
      count.textContent = label
        .replace("%(step)s", String(current + 1))
        .replace("%(count)s", String(parts.length));
    }
    back.addEventListener("click", function () { show(current - 1); window.scrollTo(0, 0); });
    next.addEventListener("click", function () { show(current + 1); window.scrollTo(0, 0); });
    form.addEventListener("berdaya:show-step", function (event) { show(event.detail); });
    show(current);
  }

  function memberRows(form) {
    var button = form.querySelector("[data-add-member]");
    var template = form.querySelector("template[data-member-template]");
    var list = form.querySelector("[data-members]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    if (!button || !template || !list || !total) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      var number = row.querySelector("[data-member-number]");
      if (number) number.textContent = String(index + 1);
      list.appendChild(row);
      total.value = String(index + 1);
      var name = row.querySelector("input[name$='-name']");
      if (name) name.focus();
    });
  }

  function location(form) {
    var button = form.querySelector("[data-gps]");
    var status = form.querySelector("[data-gps-status]");
    var latitude = form.querySelector("input[name=latitude]");
    var longitude = form.querySelector("input[name=longitude]");
    if (!button || !navigator.geolocation || !latitude || !longitude) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-waiting");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          status.textContent = button.getAttribute("data-found");
        },
        function () { status.textContent = button.getAttribute("data-refused"); },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }

  function start() {
    var form = document.querySelector("form.steps");
    if (!form) return;
    memberRows(form);
    location(form);
    steps(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
