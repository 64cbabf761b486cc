// Related media in the post admin: order by dragging or with Move up/down buttons, and a
// preview of each URL as it is typed.
// The order lives in the rows' "position" inputs, which this script fills in (and hides); without
// it the editor types the numbers. Django's inline script renumbers the forms in page order when
// an unsaved row is removed, so the rows are put back in form order just before that happens.
(function () {
  "use strict";

  function start() {
    var group = document.getElementById("media-group");
    if (!group) return;
    var container = group.querySelector("fieldset.module");
    var status = document.createElement("p");
    status.className = "media-order-status visually-hidden";
    status.setAttribute("role", "status");
    container.insertBefore(status, container.querySelector(".inline-related"));
    group.classList.add("media-order-ready");

    function rows() {
      return Array.prototype.filter.call(
        container.querySelectorAll(":scope > .inline-related"),
        function (row) {
          return !row.classList.contains("empty-form");
        }
      );
    }

    function positionInput(row) {
      return row.querySelector("input[name$='-position']");
    }

    function formIndex(row) {
      return parseInt(row.id.split("-").pop(), 10);
    }

    function placeAll(ordered) {
      var template = container.querySelector(":scope > .empty-form");
      ordered.forEach(function (row) {
        container.insertBefore(row, template);
      });
    }

    function number() {
      var all = rows();
      all.forEach(function (row, index) {
        positionInput(row).value = index;
        row.querySelector("[data-move='-1']").disabled = index === 0;
        row.querySelector("[data-move='1']").disabled = index === all.length - 1;
      });
    }

    function title(row) {
      var input = row.querySelector("input[name$='-title']");
      return (input && input.value.trim()) || "Related media";
    }

    function announce(row) {
      var all = rows();
      status.textContent =
        title(row) + " moved to position " + (all.indexOf(row) + 1) + " of " + all.length + ".";
    }

    function move(row, step) {
      var all = rows();
      var target = all.indexOf(row) + step;
      if (target < 0 || target >= all.length) return;
      all.splice(all.indexOf(row), 1);
      all.splice(target, 0, row);
      placeAll(all);
      number();
      announce(row);
    }

    function button(label, step) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "media-move";
      element.dataset.move = step;
      element.textContent = label;
      return element;
    }

    function equip(row) {
      if (row.querySelector(".media-order-tools")) return;
      var tools = document.createElement("span");
      tools.className = "media-order-tools";
      var handle = document.createElement("span");
      handle.className = "media-drag-handle";
      handle.draggable = true;
      handle.title = "Drag to reorder";
      handle.textContent = "⠿";
      handle.setAttribute("aria-hidden", "true");
      tools.append(handle, button("Move up", -1), button("Move down", 1));
      row.querySelector("h3").prepend(tools);
      positionInput(row).readOnly = true; // and hidden by the stylesheet
    }

    // Keyboard and pointer: Move up / Move down.
    container.addEventListener("click", function (event) {
      var target = event.target.closest(".media-move");
      if (!target) return;
      var row = target.closest(".inline-related");
      move(row, parseInt(target.dataset.move, 10));
      var again = row.querySelector("[data-move='" + target.dataset.move + "']");
      (again.disabled ? row.querySelector(".media-move:not(:disabled)") : again).focus();
    });

    // Before Django renumbers after removing an unsaved row: form order, then back.
    container.addEventListener(
      "click",
      function (event) {
        if (!event.target.closest(".inline-deletelink")) return;
        var visual = rows();
        placeAll(visual.slice().sort(function (a, b) {
          return formIndex(a) - formIndex(b);
        }));
        window.setTimeout(function () {
          placeAll(visual.filter(function (row) {
            return row.isConnected;
          }));
          number();
        });
      },
      true
    );

    // Dragging by the handle: the row under the pointer shows where the dragged one will land.
    var dragged = null;
    var mark = null;
    function unmark() {
      if (mark) mark.row.classList.remove("media-drop-before", "media-drop-after");
      mark = null;
    }
    container.addEventListener("dragstart", function (event) {
      if (!event.target.classList || !event.target.classList.contains("media-drag-handle")) return;
      dragged = event.target.closest(".inline-related");
      dragged.classList.add("media-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.id);
      event.dataTransfer.setDragImage(dragged, 20, 20);
    });
    container.addEventListener("dragover", function (event) {
      if (!dragged) return;
      var over = event.target.closest(".inline-related:not(.empty-form)");
      if (!over) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var before = event.clientY < box.top + box.height / 2;
      unmark();
      if (over === dragged) return;
      mark = { row: over, before: before };
      over.classList.add(before ? "media-drop-before" : "media-drop-after");
    });
    container.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
      if (mark) container.insertBefore(dragged, mark.before ? mark.row : mark.row.nextSibling);
    });
    container.addEventListener("dragend", function () {
      if (!dragged) return;
      unmark();
      dragged.classList.remove("media-dragging");
      number();
      announce(dragged);
      dragged = null;
    });

    // Preview of a typed URL, rendered by the server from the same allowlist as the page.
    var timers = new WeakMap();
    function refreshPreview(row) {
      var preview = row.querySelector("[data-media-preview]");
      var url = row.querySelector("input[name$='-url']").value;
      var query = new URLSearchParams({ url: url, title: title(row) });
      fetch(preview.dataset.mediaPreview + "?" + query, { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          var parsed = document.createElement("template");
          parsed.innerHTML = html;
          preview.replaceChildren.apply(
            preview,
            Array.prototype.slice.call(parsed.content.firstElementChild.childNodes)
          );
        })
        .catch(function () {
          preview.textContent = "The preview could not be loaded; the URL is checked when you save.";
        });
    }
    container.addEventListener("input", function (event) {
      if (!event.target.matches("input[name$='-url']")) return;
      var row = event.target.closest(".inline-related");
      window.clearTimeout(timers.get(row));
      timers.set(row, window.setTimeout(refreshPreview, 400, row));
    });

    // Rows Django adds ("Add another Related media") go last.
    document.addEventListener("formset:added", function (event) {
      if (event.detail.formsetName !== "media") return;
      equip(event.target);
      number();
    });

    var all = rows();
    all.forEach(equip);
    // A refused form comes back in form order: show the order the editor had chosen.
    placeAll(all.slice().sort(function (a, b) {
      return (positionInput(a).value || 0) - (positionInput(b).value || 0) || formIndex(a) - formIndex(b);
    }));
    number();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
