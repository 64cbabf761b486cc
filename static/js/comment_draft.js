// Keep what a reader types in this browser until the server has stored it.
// Typing saves a draft per post; a page that says "Thank you" (the server acknowledged it)
// forgets it; any other visit with an empty form offers the draft back: after an outage, a
// closed tab, a lost connection. Without this script the server still keeps the text of a
// refused comment in the page it answers with.
(function () {
  "use strict";
  var form = document.querySelector("#respond form");
  // The server's "Thank you: your comment is …" (not a moderator's other messages).
  var acknowledged = Array.prototype.some.call(
    document.querySelectorAll(".message-success"),
    function (message) {
      return message.textContent.indexOf("your comment is") !== -1;
    }
  );
  var key = "comment-draft:" + window.location.pathname;
  var store;
  try {
    store = window.localStorage;
    store.getItem(key);
  } catch (error) {
    return; // storage disabled: nothing to keep
  }
  if (acknowledged) store.removeItem(key);
  if (!form) return;
  var body = form.querySelector("textarea[name=body]");

  function save() {
    if (body.value.trim()) store.setItem(key, body.value);
    else store.removeItem(key);
  }
  body.addEventListener("input", save);
  form.addEventListener("submit", save);

  var saved = store.getItem(key);
  if (!saved || body.value.trim()) return;

  var offer = document.createElement("div");
  offer.className = "draft-offer";
  offer.setAttribute("role", "status");
  var text = document.createElement("p");
  text.textContent = "Your last comment here may not have been sent. It is kept in this browser.";
  var restore = document.createElement("button");
  restore.type = "button";
  restore.textContent = "Put my text back";
  var discard = document.createElement("button");
  discard.type = "button";
  discard.className = "secondary";
  discard.textContent = "Discard it";
  offer.append(text, restore, " ", discard);
  form.parentNode.insertBefore(offer, form);

  restore.addEventListener("click", function () {
    body.value = saved;
    offer.remove();
    body.focus();
  });
  discard.addEventListener("click", function () {
    store.removeItem(key);
    offer.remove();
    body.focus();
  });
})();
