// The chat: bring the newest exchange into view (on load and after a send), send on Enter
// (Shift+Enter for a new line), and say next to the box when a message is over the limit —
// the box has no maxlength, so a long paste is never cut; the server refuses it with the same words.
(function () {
  "use strict";
  function thread() {
    return document.getElementById("chat-thread");
  }
  // The member's last message, so Hearth's reply and its drafts follow below it.
  function toLatest() {
    var list = thread();
    if (!list) return;
    var mine = list.querySelectorAll(".chat-member");
    var target = mine.length ? mine[mine.length - 1] : list.lastElementChild;
    if (target) target.scrollIntoView({ block: "start" });
  }
  function count(box) {
    var note = document.getElementById("chat-count");
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    if (!note || !limit) return;
    var length = box.value.trim().length;
    var over = length > limit;
    note.hidden = length < limit * 0.9;
    note.classList.toggle("over", over);
    // Once the server has said it next to the box, the note only counts (the words are not repeated).
    var said = box.form && box.form.querySelector(".errorlist");
    note.textContent = over && !said
      ? "That message is " + length.toLocaleString("en") + " characters long; Hearth reads up to " +
        limit.toLocaleString("en") + " at a time. Shorten it or send it in parts."
      : length.toLocaleString("en") + " of " + limit.toLocaleString("en") + " characters";
  }
  function watchBox() {
    var box = document.querySelector("#chat-form textarea");
    if (box) {
      var described = box.getAttribute("aria-describedby") || "";
      if (described.indexOf("chat-count") < 0) box.setAttribute("aria-describedby", (described + " chat-count").trim());
      count(box);
    }
    return box;
  }
  toLatest();
  watchBox();
  window.addEventListener("load", toLatest, { once: true });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target !== thread()) return;
    toLatest();
    var box = watchBox();
    if (box) box.focus();
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("#chat-form textarea")) count(event.target);
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
