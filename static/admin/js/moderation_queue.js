// Keyboard shortcuts for the moderation queue, as WordPress and Gmail users know them:
// j/k move between comments, and a key per decision acts on the current one in place.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var actionsForm = document.getElementById("row-actions");
    var rows = Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
    var status = document.getElementById("queue-status");
    if (!actionsForm || !rows.length) return;
    var current = -1;

    function select(index) {
      if (index < 0 || index >= rows.length) return;
      if (current >= 0) rows[current].classList.remove("is-current");
      current = index;
      var row = rows[current];
      row.classList.add("is-current");
      row.tabIndex = -1;
      row.focus();
      row.scrollIntoView({ block: "nearest" });
    }

    function show(row, result) {
      var cell = row.querySelector(".queue-status");
      cell.textContent = result.status_label;
      cell.dataset.status = result.status;
      row.querySelector(".queue-reason").textContent = result.reason;
      row.querySelectorAll("[data-action]").forEach(function (control) {
        control.hidden = result.actions.indexOf(control.dataset.action) === -1;
        var url = control.getAttribute("formaction");
        if (url) control.setAttribute("formaction", url.replace(/from=\w+/, "from=" + result.status));
      });
      Object.keys(result.counts).forEach(function (key) {
        var count = document.querySelector('[data-count="' + key + '"]');
        if (count) count.textContent = result.counts[key];
      });
      status.textContent = result.message;
    }

    function act(row, control) {
      if (control.tagName === "A") {
        window.location.href = control.href; // a comment with replies: choose their fate
        return;
      }
      var data = new FormData(actionsForm);
      data.set("action", control.value);
      window
        .sendDecision(control.getAttribute("formaction"), data)
        .then(function (result) {
          show(row, result);
          select(current + 1);
        })
        .catch(function (error) {
          status.textContent = error.message;
        });
    }

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target.closest("input, textarea, select, [contenteditable]")) return;
      var key = event.key;
      if (key === "j") return select(current + 1);
      if (key === "k") return select(Math.max(current - 1, 0));
      if (current < 0) return;
      var row = rows[current];
      var control = row.querySelector('[data-key="' + key + '"]:not([hidden])');
      if (!control) return;
      event.preventDefault();
      act(row, control);
    });
  });
})();
