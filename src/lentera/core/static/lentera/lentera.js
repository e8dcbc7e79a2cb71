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

// <div data-dropzone> around a file input: files dropped on it go into the input, and
// their names are listed. Without the script the input still takes several files.
function listFiles(zone, input) {
  var list = zone.querySelector(".dropped");
  if (!list) return;
  list.textContent = "";
  Array.prototype.forEach.call(input.files, function (file) {
    var row = document.createElement("li");
    row.textContent = file.name;
    list.appendChild(row);
  });
}

document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
  var input = zone.querySelector("input[type=file]");
  if (!input) return;
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () {
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    listFiles(zone, input);
  });
  input.addEventListener("change", function () {
    listFiles(zone, input);
  });
});

// <details open data-fold-narrow>: open on wide screens and without the script, folded
// on a phone so that what it holds does not push the page's content down.
if (!window.matchMedia("(min-width: 48rem)").matches) {
  document.querySelectorAll("details[data-fold-narrow]").forEach(function (box) {
    box.open = false;
  });
}

// <input data-by-category='{"<unit id>": {"berkala": "10 tahun", …}}'>: the retention
// period each unit gives each category. Choosing another category or unit offers its
// value, unless the officer typed their own.
document.querySelectorAll("input[data-by-category]").forEach(function (input) {
  var form = input.form;
  var category = form && form.querySelector("select[name=category]");
  var unit = form && form.querySelector("select[name=holding_unit]");
  if (!category || !unit) return;
  var values = JSON.parse(input.getAttribute("data-by-category"));
  var offered = input.value;
  function offer() {
    var next = (values[unit.value] || {})[category.value];
    if (next && (input.value === "" || input.value === offered)) {
      input.value = next;
      offered = next;
    }
  }
  category.addEventListener("change", offer);
  unit.addEventListener("change", offer);
});
