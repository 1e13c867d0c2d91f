// Findings and matrix cells highlight their evidence in every article column and scroll each column to it.
// Shared by the single-file report (inlined, allowed by its CSP hash) and the web app (served as a file).
(function () {
  "use strict";
  function highlight(link) {
    var story = link.closest(".story");
    var token = link.getAttribute("data-ev");
    if (!story || !token) return false;
    var group = link.closest("details");
    if (group) group.open = true;
    story.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
    story.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); el.removeAttribute("aria-current"); });
    link.classList.add("active");
    link.setAttribute("aria-current", "true");
    var first = null;
    story.querySelectorAll(".column").forEach(function (col) {
      var hits = Array.prototype.filter.call(col.querySelectorAll("[data-ev]"), function (el) {
        return el.getAttribute("data-ev").split(" ").indexOf(token) >= 0;
      });
      hits.forEach(function (el) { el.classList.add("hl"); });
      var body = col.querySelector(".body");
      col.classList.toggle("has-hl", hits.length > 0);
      if (hits.length && body) {
        body.scrollTop = Math.max(0, hits[0].offsetTop - body.offsetTop - body.clientHeight / 3);
        if (!first) first = hits[0];
      }
    });
    var area = story.querySelector(".articles");
    if (area) area.scrollIntoView({ block: "start" });
    if (first) { first.setAttribute("tabindex", "-1"); first.focus({ preventScroll: true }); }
    return true;
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[data-ev]");
    if (link && highlight(link)) ev.preventDefault();
  });
  // Keyboard: j / k step through the findings of the story in view; Escape clears the highlight.
  document.addEventListener("keydown", function (ev) {
    if (ev.target.closest && ev.target.closest("input, textarea, select")) return;
    if (ev.key === "Escape") {
      document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
      return;
    }
    if (ev.key !== "j" && ev.key !== "k") return;
    var links = Array.prototype.slice.call(document.querySelectorAll(".finding-link"));
    if (!links.length) return;
    var at = links.indexOf(document.querySelector(".finding-link.active"));
    var next = links[(at + (ev.key === "j" ? 1 : links.length - 1)) % links.length] || links[0];
    next.focus();
    highlight(next);
  });
})();
