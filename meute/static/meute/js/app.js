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

  // Menu button (narrow screens): without JavaScript the menu simply stays unfolded under the bar.
  var toggle = document.querySelector(".nav-toggle");
  var mainNav = document.getElementById("main-nav");
  if (toggle && mainNav) {
    toggle.hidden = false;
    toggle.closest(".topbar").classList.add("topbar--collapsible");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      mainNav.classList.toggle("is-open", open);
    });
  }
  // One menu group open at a time.
  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (!group.matches || !group.matches("details.navgroup") || !group.open) return;
    document.querySelectorAll("details.navgroup[open]").forEach(function (other) {
      if (other !== group) other.removeAttribute("open");
    });
  }, true);

  // User menu and menu groups: close them with Escape and when clicking elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open], details.navgroup[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open], details.navgroup[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // Recruitment board: drag a card onto another column to move the candidate (the card's own form does
  // the same without a mouse).
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-move-url]");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.getAttribute("data-move-url"));
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest("[data-stage]");
    if (column) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest("[data-stage]");
    if (!column || !window.htmx) return;
    event.preventDefault();
    var url = event.dataTransfer.getData("text/plain");
    if (!url) return;
    window.htmx.ajax("POST", url, {
      target: "#board", swap: "outerHTML", values: { stage: column.getAttribute("data-stage") }
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
