// When an htmx request fails (the server answered with an error, or could not be reached), htmx
// leaves the page as it was and says nothing. Say it: a short notice in the toasts, kept while
// pointed at or focused. The server's error page is never written into the document (it would
// break the strict CSP with its inline style and script). No inline style, no innerHTML.
(function () {
  "use strict";
  var SHOW_MS = 10000;

  function notify(text) {
    var box = document.getElementById("toasts");
    if (!box) return;
    // The same words once: several fragments failing together make one notice, not a stack.
    for (var i = 0; i < box.children.length; i++) {
      if (box.children[i].textContent === text) return;
    }
    var toast = document.createElement("div");
    toast.className = "toast toast-error";
    toast.setAttribute("role", "alert");
    toast.textContent = text;
    box.appendChild(toast);
    var timer = null;
    function later() { timer = setTimeout(function () { toast.remove(); }, SHOW_MS); }
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("mouseleave", later);
    later();
  }

  // A fragment that refreshed on its own (a live event: another member changed something) and is
  // gone (404: deleted meanwhile) is not this member's mistake: say what happened, once, and stop
  // asking for it.
  var gone = new WeakSet();
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (gone.has(event.detail.elt)) event.preventDefault();
  });

  function byLiveEvent(detail) {
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    return !!(trigger && trigger.type && trigger.type.indexOf("live:") === 0);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status === 404 && byLiveEvent(event.detail)) {
      gone.add(event.detail.elt);
      notify("Another member deleted something shown here. Reload the page to see the latest.");
      return;
    }
    notify(
      status >= 500
        ? "Something went wrong on the server (error " + status + "). Nothing here changed; try again, or reload the page."
        : "That could not be done (error " + status + "). Reload the page to see the latest."
    );
  });
  document.addEventListener("htmx:sendError", function () {
    notify("Hearth could not be reached. Check the connection and try again.");
  });
})();
