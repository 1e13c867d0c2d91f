// The ingest progress page: polls the job and fills in the page with textContent only (never HTML).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var id = box.getAttribute("data-job");
  function set(sel, text) { var el = box.querySelector(sel); if (el) el.textContent = text; }
  function list(sel, items, link) {
    var ul = box.querySelector(sel);
    if (!ul) return;
    while (ul.firstChild) ul.removeChild(ul.firstChild);
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (link) {
        var a = document.createElement("a");
        a.href = "/story/" + encodeURIComponent(item);
        a.textContent = "story " + item;
        li.appendChild(a);
      } else { li.className = "error"; li.textContent = item; }
      ul.appendChild(li);
    });
  }
  function poll() {
    fetch("/api/jobs/" + encodeURIComponent(id), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        set(".job-state", job.state);
        set(".job-stage", job.stage || "");
        set(".job-count", job.done + (job.total ? " / " + job.total : ""));
        var bar = box.querySelector(".job-progress");
        if (bar) { bar.max = job.total || 1; bar.value = job.total ? job.done : (job.state === "done" ? 1 : 0); }
        set(".job-summary", job.added + " added, " + job.unchanged + " already stored");
        list(".job-errors", job.errors || [], false);
        list(".job-stories", job.stories || [], true);
        if (job.state === "queued" || job.state === "running") setTimeout(poll, 500);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
