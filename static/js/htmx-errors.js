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

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var status = xhr ? xhr.status : 0;
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
