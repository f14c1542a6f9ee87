// Zicht: small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  var screen = document.getElementById("privacy-screen");
  var button = document.getElementById("blank-screen");
  var lastEscape = 0;
  function blank() { if (screen) { screen.hidden = false; screen.focus(); } }
  function unblank() { if (screen) { screen.hidden = true; } }
  if (button) { button.addEventListener("click", blank); }
  if (screen) {
    screen.tabIndex = -1;
    screen.addEventListener("click", unblank);
    screen.addEventListener("keydown", unblank);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var now = Date.now();
      if (now - lastEscape < 600) { blank(); }
      lastEscape = now;
    }
  });
  // Reveal masked names on request (names hidden on lists by default).
  document.querySelectorAll("[data-reveal]").forEach(function (toggle) {
    toggle.addEventListener("click", function () {
      var target = document.getElementById(toggle.getAttribute("data-reveal"));
      if (target) { target.classList.toggle("is-revealed"); toggle.setAttribute("aria-pressed", target.classList.contains("is-revealed")); }
    });
  });
})();
