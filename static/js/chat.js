// The chat: keep the newest message in view, and send on Enter (Shift+Enter for a new line).
(function () {
  "use strict";
  var thread = document.getElementById("chat-thread");
  function toLatest() {
    var form = document.getElementById("chat-form");
    (form || thread).scrollIntoView({ block: "end" });
  }
  toLatest();
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target === thread) toLatest();
    var box = document.querySelector("#chat-form textarea");
    if (box && event.detail.target === thread) box.focus();
  });
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("#chat-form textarea")) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      box.form.requestSubmit();
    }
  });
})();
