// Moderators act on comments in place. Without this script the same buttons post the form and
// come back to the comment; with it, the decision is sent in the background and the comment
// updates where it stands.
(function () {
  "use strict";
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  document.body.appendChild(live);

  function update(form, result) {
    var comment = form.closest(".comment");
    comment.dataset.status = result.status;
    comment.classList.remove("is-pending", "is-spam", "is-rejected", "is-trash");
    if (result.status !== "approved") comment.classList.add("is-" + result.status);
    var label = comment.querySelector("[data-status-label]");
    if (!label) {
      label = document.createElement("span");
      label.className = "comment-status";
      label.setAttribute("data-status-label", "");
      comment.querySelector(".comment-meta").appendChild(label);
    }
    label.textContent = result.status_label + (result.reason ? ": " + result.reason : "");
    label.hidden = result.status === "approved";
    form.querySelector("input[name=from]").value = result.status;
    // A hold's fixes approve it too: once decided here, they no longer apply.
    comment.querySelectorAll(".hold-fixes").forEach(function (fixes) {
      fixes.remove();
    });
    form.querySelectorAll("button[name=action]").forEach(function (button) {
      button.hidden = result.actions.indexOf(button.value) === -1;
    });
    document.querySelectorAll("[data-pending-count]").forEach(function (count) {
      count.textContent = result.pending;
    });
    var heading = document.getElementById("comments-title");
    if (heading) {
      heading.textContent = result.approved
        ? result.approved + (result.approved === 1 ? " Response" : " Responses")
        : "No responses yet";
    }
    live.textContent = result.message;
    var next = form.querySelector("button[name=action]:not([hidden])");
    if (next) next.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest(".moderation-actions");
    if (!form) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("action", event.submitter.value);
    window
      .sendDecision(form.getAttribute("action"), data)
      .then(function (result) {
        update(form, result);
      })
      .catch(function (error) {
        live.textContent = error.message;
      });
  });
})();
