// Live updates: one WebSocket per tab. Each invalidation topic becomes the htmx event
// "live:<topic>" on <body>; fragments that declare hx-trigger="live:<topic> from:body" re-fetch.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var socket = null;
  var attempt = 0;
  var everConnected = false;

  function setStatus(state, text) {
    if (!status) return;
    status.dataset.state = state;
    status.title = "Live updates: " + text;
    var label = status.querySelector(".visually-hidden");
    if (label) label.textContent = "Live updates " + text;
  }

  function fire(topic) {
    document.body.dispatchEvent(new CustomEvent("live:" + topic, { bubbles: true }));
  }

  // Every live topic the page listens for, read from the fragments' hx-trigger attributes.
  function pageTopics() {
    var topics = new Set();
    document.querySelectorAll("[hx-trigger*='live:']").forEach(function (el) {
      var re = /live:([\w.-]+)/g, m;
      while ((m = re.exec(el.getAttribute("hx-trigger")))) topics.add(m[1]);
    });
    return topics;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/live/");
    socket.addEventListener("open", function () {
      setStatus("live", "on");
      if (everConnected) pageTopics().forEach(fire); // catch up on what we missed
      everConnected = true;
      attempt = 0;
      document.body.dispatchEvent(new CustomEvent("live:connected", { bubbles: true }));
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "invalidate" && Array.isArray(data.topics)) data.topics.forEach(fire);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4401 || event.code === 4403) { setStatus("offline", "off"); return; }
      setStatus("reconnecting", "reconnecting");
      var base = Math.min(30000, 500 * Math.pow(2, attempt++));
      setTimeout(connect, base / 2 + Math.random() * base / 2); // jittered exponential backoff
    });
  }

  window.hearthLive = {
    drop: function () { if (socket) socket.close(); },
    isOpen: function () { return !!socket && socket.readyState === WebSocket.OPEN; },
  };
  connect();
})();
