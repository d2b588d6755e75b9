// Ticking who came: tick or untick everyone at once, and show how many are ticked.
(function () {
  "use strict";
  function start() {
    var form = document.querySelector("[data-testid=roll-form]");
    if (!form) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=came]"));
    var save = form.querySelector("[data-testid=save-roll]");
    var label = save && save.getAttribute("data-label");
    function count() {
      if (!save || !label) return;
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      save.textContent = label.replace("%(count)s", String(ticked));
    }
    Array.prototype.forEach.call(form.querySelectorAll("[data-tick]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-tick") === "all";
        boxes.forEach(function (box) { box.checked = on; });
        count();
      });
    });
    form.addEventListener("change", count);
    count();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
