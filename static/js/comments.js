// Reply in place: move the comment form under the comment being answered.
// Without this script, the Reply links reload the page with ?replyto=<id>.
(function () {
  "use strict";
  var form = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  if (!form || !home) return;
  var parentInput = form.querySelector('input[name="parent"]');
  var title = document.getElementById("respond-title");
  var button = form.querySelector('button[type="submit"]');
  var cancel = form.querySelector(".cancel-reply");
  if (!cancel) {
    var holder = document.createElement("p");
    cancel = document.createElement("a");
    cancel.className = "cancel-reply";
    cancel.href = "#respond";
    cancel.textContent = "Cancel reply";
    holder.appendChild(cancel);
    holder.hidden = true;
    title.insertAdjacentElement("afterend", holder);
  }
  var lastReplyLink = null;

  function showAsReply(author) {
    if (author) {
      // The name in its own <bdi>, as the server draws it: right-to-left or override
      // characters in a name cannot reorder the words around it.
      var name = document.createElement("bdi");
      name.textContent = author;
      title.replaceChildren("Reply to ", name);
    } else {
      title.textContent = title.dataset.default;
    }
    button.textContent = author ? "Post reply" : "Post comment";
    cancel.parentNode.hidden = !author;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (!link) return;
    event.preventDefault();
    var comment = document.getElementById("comment-" + link.dataset.commentId);
    comment.querySelector(".comment-body-wrap").insertAdjacentElement("afterend", form);
    parentInput.value = link.dataset.commentId;
    showAsReply(comment.querySelector(".comment-author bdi").textContent);
    lastReplyLink = link;
    form.querySelector("textarea").focus();
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    // Back to the end of the discussion, wherever the server first drew the form.
    home.parentNode.insertBefore(form, home);
    parentInput.value = "";
    showAsReply(null);
    var url = new URL(window.location.href);
    if (url.searchParams.has("replyto")) {
      url.searchParams.delete("replyto");
      url.hash = "respond";
      history.replaceState(null, "", url);
    }
    if (lastReplyLink) lastReplyLink.focus();
    else form.querySelector("textarea").focus();
  });
})();
