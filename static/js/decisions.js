// Send one moderation decision and read its JSON answer: shared by the post page and the queue.
window.sendDecision = function (url, data) {
  "use strict";
  return fetch(url, {
    method: "POST",
    body: data,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  }).then(function (response) {
    return response.json().then(function (result) {
      if (!response.ok) throw new Error(result.error || "The decision was not saved.");
      return result;
    });
  });
};
