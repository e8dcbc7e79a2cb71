// Lentera's only script: every page works without it. The Content-Security-Policy
// allows no inline script, so behaviour is attached here by data attributes.
"use strict";

// <a data-print> and <button data-print>: print the page instead of following the link.
document.addEventListener("click", function (event) {
  var trigger = event.target.closest("[data-print]");
  if (trigger) {
    event.preventDefault();
    window.print();
  }
});
