// Reply in place: move the comment form under the comment being answered.
// Without this script, the Reply links reload the page with ?replyto=<id>.
(function () {
  "use strict";
  var form = document.getElementById("respond");
  if (!form) return;
  var home = document.createElement("div");
  home.hidden = true;
  form.parentNode.insertBefore(home, form);
  var parentInput = form.querySelector('input[name="parent"]');
  var title = document.getElementById("respond-title");
  var originalTitle = title.textContent;
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

  function showCancel(show) {
    cancel.parentNode.hidden = !show;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (!link) return;
    event.preventDefault();
    var comment = document.getElementById("comment-" + link.dataset.commentId);
    var article = comment.querySelector(".comment-body-wrap");
    article.insertAdjacentElement("afterend", form);
    parentInput.value = link.dataset.commentId;
    var author = comment.querySelector(".comment-author").textContent.trim();
    title.textContent = "Reply to " + author;
    showCancel(true);
    lastReplyLink = link;
    form.querySelector("textarea").focus();
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.parentNode.insertBefore(form, home);
    parentInput.value = "";
    title.textContent = originalTitle;
    showCancel(false);
    if (lastReplyLink) lastReplyLink.focus();
  });
})();
