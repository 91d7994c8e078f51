/* Meute: small progressive enhancements. Every page works without JavaScript. */
(function () {
  "use strict";

  // "Add another party" in the partnership form: clone the empty row and bump the formset counter.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var target = document.getElementById(prefix + "-rows");
    if (!total || !template || !target) return;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    var wrapper = document.createElement("div");
    wrapper.innerHTML = html.trim();
    var row = wrapper.firstElementChild;
    target.appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) window.htmx.process(row);
    var first = row.querySelector("input, select");
    if (first) first.focus();
  });

  // User menu: close it with Escape and when clicking elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // After a refused submit, take the reader to the list of errors (screen readers announce it).
  function focusErrors(root) {
    var summary = (root || document).querySelector("#error-summary");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  } else {
    focusErrors(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.detail.target); });

  // Send the CSRF token with htmx requests that change data.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) event.detail.headers["X-CSRFToken"] = token.getAttribute("content");
  });
})();
