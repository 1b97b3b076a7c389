// Live updates: one WebSocket per tab (/ws/live/). The server sends topic names only
// ({"type": "invalidate", "topics": [...]}); each topic becomes the htmx event "live:<topic>" on
// <body>, and every fragment declaring hx-trigger="live:<topic> from:body throttle:250ms" re-fetches
// itself over HTTP. No data ever travels on the socket.
//
// Coalescing. htmx's throttle fires on the first event and drops the others for 250 ms, per
// element — so the last event of a burst could be lost, and with it the last change. Here events
// are batched instead: a batch is dispatched at once when the previous one is more than 250 ms
// old, otherwise when it is (a trailing dispatch, never dropped); and not while an htmx request is
// in flight (a request queued on an element that its own response replaces is dropped by htmx),
// unless that takes more than MAX_WAIT_MS. So a fragment re-fetches at most once per 250 ms and
// always after the last change.
//
// Also: jittered exponential backoff on reconnect (not after 4401/4403: signed out, or no longer a
// member); after a reconnect every live fragment re-fetches (events may have been missed); a ping
// every 25 s detects a dead connection; a budget alert that raises the bell's count shows a toast.
// Strict CSP: no inline script or style, no eval, no innerHTML.
(function () {
  "use strict";
  if (window.hearthLive) return; // one socket per tab, even if the script is included twice

  var THROTTLE_MS = 250; // the fragments' hx-trigger throttle
  var SLACK_MS = 15; // our window ends after htmx's own throttle timers
  var MAX_WAIT_MS = 3000; // longest wait for in-flight requests before dispatching anyway
  var PING_EVERY_MS = 25000;
  var PONG_WITHIN_MS = 10000;
  var STABLE_AFTER_MS = 5000; // a socket open this long resets the backoff
  var TOAST_MS = 8000;
  var FINAL_CODES = { 4401: "off (signed out)", 4403: "off" };

  var status = document.getElementById("live-status");
  var socket = null;
  var attempt = 0;
  var everConnected = false;
  var stopped = false; // a final close code: the answer will not change until the page reloads
  var leaving = false; // pagehide: do not show "reconnecting" on the way out
  var retryTimer = null, stableTimer = null, pingTimer = null, pongTimer = null;

  function now() { return window.performance ? performance.now() : Date.now(); }

  // ------------------------------------------------------------ status dot

  function setStatus(state, text) {
    if (!status) return;
    status.dataset.state = state;
    status.title = "Live updates: " + text;
    var label = status.querySelector(".visually-hidden");
    if (label) label.textContent = "Live updates " + text;
    var word = status.querySelector(".live-word");
    if (word) word.textContent = text.charAt(0).toUpperCase() + text.slice(1);
  }

  // ------------------------------------------------------------ coalesced dispatch

  var pending = new Set();
  var lastFlush = -Infinity;
  var flushTimer = null;
  var waitingSince = null;
  var inflight = 0;

  function fire(topic) {
    document.body.dispatchEvent(new CustomEvent("live:" + topic, { bubbles: true }));
  }

  function queue(topics) {
    topics.forEach(function (topic) {
      if (typeof topic === "string" && /^[\w.-]{1,100}$/.test(topic)) pending.add(topic);
    });
    schedule(0);
  }

  function schedule(delay) {
    if (flushTimer !== null || pending.size === 0) return;
    flushTimer = setTimeout(flush, Math.max(0, delay));
  }

  function flush() {
    flushTimer = null;
    if (pending.size === 0) return;
    var early = lastFlush + THROTTLE_MS + SLACK_MS - now();
    if (early > 0) { schedule(early); return; }
    if (inflight > 0) {
      if (waitingSince === null) waitingSince = now();
      var left = MAX_WAIT_MS - (now() - waitingSince);
      if (left > 0) { schedule(left); return; } // or sooner: requestDone() reschedules
    }
    waitingSince = null;
    var topics = Array.from(pending);
    pending.clear();
    topics.forEach(fire);
    lastFlush = now(); // after firing: htmx's throttle timers started first, and end first
  }

  function requestDone() {
    inflight = Math.max(0, inflight - 1);
    if (inflight === 0 && pending.size && flushTimer !== null) {
      clearTimeout(flushTimer);
      flushTimer = null;
      schedule(0); // flush() itself still keeps the 250 ms spacing
    }
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr) return;
    inflight += 1;
    xhr.addEventListener("loadend", requestDone, { once: true }); // load, error, abort, timeout
  });

  // Every live topic the page listens for, read from the fragments' hx-trigger attributes.
  function pageTopics() {
    var topics = new Set();
    document.querySelectorAll("[hx-trigger*='live:']").forEach(function (el) {
      var re = /live:([\w.-]+)/g, m;
      while ((m = re.exec(el.getAttribute("hx-trigger")))) topics.add(m[1]);
    });
    return Array.from(topics);
  }

  // ------------------------------------------------------------ alert toasts

  function bellCount() {
    var count = document.querySelector("#alert-bell .bell-count");
    var n = count ? parseInt(count.textContent, 10) : 0;
    return isNaN(n) ? 0 : n;
  }

  var knownAlerts = bellCount();

  function showToast(text, href) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var toast = document.createElement("div");
    toast.className = "toast";
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    toast.appendChild(link);
    box.appendChild(toast);
    var timer = null;
    function later() { timer = setTimeout(function () { toast.remove(); }, TOAST_MS); }
    // Kept while pointed at or focused, so it can be read and followed.
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("focusin", function () { clearTimeout(timer); });
    toast.addEventListener("mouseleave", later);
    toast.addEventListener("focusout", later);
    later();
  }

  // The bell re-fetches itself on live:alerts; a higher count means new alerts (marking them
  // read publishes "alerts" too, and lowers it: no toast then).
  document.addEventListener("htmx:afterSwap", function () {
    var bell = document.getElementById("alert-bell");
    if (!bell) return;
    var count = bellCount();
    if (count > knownAlerts) {
      var fresh = count - knownAlerts;
      showToast(
        fresh === 1 ? "A budget reached a threshold — see alerts" : fresh + " new budget alerts — see alerts",
        bell.getAttribute("href") || "/alerts/"
      );
    }
    knownAlerts = count;
  });

  // ------------------------------------------------------------ the socket

  function clearTimers() {
    [retryTimer, stableTimer, pingTimer, pongTimer].forEach(function (t) { clearTimeout(t); clearInterval(t); });
    retryTimer = stableTimer = pingTimer = pongTimer = null;
  }

  function ping() {
    if (!socket || socket.readyState !== WebSocket.OPEN || pongTimer !== null) return;
    socket.send(JSON.stringify({ type: "ping" }));
    pongTimer = setTimeout(function () {
      pongTimer = null;
      // Silent for too long: a dead connection (a laptop that slept, a changed network). Do not
      // wait for the browser to notice; reconnect now.
      var ws = socket;
      lost(null);
      if (ws) ws.close();
    }, PONG_WITHIN_MS);
  }

  function connect() {
    clearTimers();
    if (stopped || socket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/live/");
    socket = ws;
    ws.addEventListener("open", function () {
      if (ws !== socket) return;
      setStatus("live", "on");
      if (everConnected) queue(pageTopics()); // catch up on whatever was missed while away
      everConnected = true;
      stableTimer = setTimeout(function () { attempt = 0; }, STABLE_AFTER_MS);
      pingTimer = setInterval(ping, PING_EVERY_MS);
      document.body.dispatchEvent(new CustomEvent("live:connected", { bubbles: true }));
    });
    ws.addEventListener("message", function (event) {
      if (ws !== socket) return;
      clearTimeout(pongTimer); // any message proves the connection alive
      pongTimer = null;
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && data.type === "invalidate" && Array.isArray(data.topics)) queue(data.topics);
    });
    ws.addEventListener("close", function (event) {
      if (ws === socket) lost(event.code);
    });
  }

  // The socket is gone (closed with `code`, or given up on: null): stop, or retry with backoff.
  function lost(code) {
    socket = null;
    clearTimers();
    if (leaving) return;
    if (FINAL_CODES[code]) {
      stopped = true;
      setStatus("offline", FINAL_CODES[code]);
      return;
    }
    setStatus("reconnecting", "reconnecting");
    var base = Math.min(30000, 500 * Math.pow(2, attempt++));
    retryTimer = setTimeout(connect, base / 2 + Math.random() * base / 2); // jittered backoff
  }

  // Back now, rather than at the end of a long backoff: the tab is shown again, the network is back.
  function wake() {
    if (stopped || leaving) return;
    if (socket) { ping(); return; } // open (or opening): make sure it is alive
    attempt = 0;
    connect();
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") wake();
  });
  window.addEventListener("online", wake);

  // Leaving (or entering the back/forward cache): close quietly. Coming back from that cache:
  // reconnect, and the reconnect re-fetches every live fragment.
  window.addEventListener("pagehide", function () {
    leaving = true;
    var ws = socket;
    socket = null; // its close event is now ignored; a restored page starts afresh
    clearTimers();
    if (ws) ws.close(1000);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    leaving = false;
    everConnected = true;
    wake();
  });

  window.hearthLive = {
    drop: function () { if (socket) socket.close(); }, // for tests: as if the network dropped
    isOpen: function () { return !!socket && socket.readyState === WebSocket.OPEN; },
  };
  connect();
})();
