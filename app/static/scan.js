// The /c page's tap, sent by fetch so that a tap the network loses is kept on the phone (localStorage) and
// sent again when a /c page opens or the network returns: the same Idempotency-Key each time, so it never
// counts twice. A fenced event asks for the phone's position first. Without this script the form posts as is.
(function () {
  "use strict";
  var QUEUE = "checkin-queue/v1";
  var SAVED = "已保存，联网后自动提交";
  var root = document.getElementById("scan");
  var form = document.getElementById("checkin-form");
  var answer = document.getElementById("checkin-answer");
  var line = document.getElementById("scan-status");
  if (!root) { return; }
  // The phone's clock may be wrong: a kept scan's time is told in the server's clock, read when the page came.
  var skew = form && form.dataset.now ? Number(form.dataset.now) - Date.now() : 0;
  var flushing = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }
  function store(items) {
    try { window.localStorage.setItem(QUEUE, JSON.stringify(items)); } catch (e) { /* private mode: nothing kept */ }
  }
  function keep(item) {
    store(load().filter(function (i) { return i.key !== item.key; }).concat([item]));
  }
  function drop(item) {
    store(load().filter(function (i) { return i.key !== item.key; }));
  }
  function say(text, link) {
    line.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = "去登录";
      line.appendChild(document.createTextNode(" "));
      line.appendChild(a);
    }
  }

  function send(item) {
    var body = new URLSearchParams();
    body.set("csrf_token", root.dataset.csrf);
    body.set("idempotency_key", item.key);
    body.set("grace", item.grace || "");
    body.set("latitude", item.latitude || "");
    body.set("longitude", item.longitude || "");
    if (item.scanned_at) { body.set("scanned_at", item.scanned_at); }
    return fetch("/c/" + encodeURIComponent(item.token), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-Requested-With": "scan", "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) { return {http: response.status, data: data}; },
                                   function () { return {http: response.status, data: {}}; });
    });
  }

  // A final answer (checked in, already, or refused for good) leaves the queue; anything else stays for later.
  function settle(item, reply) {
    var data = reply.data;
    if (data.code === "login_required") { say(data.message, data.login); return false; }
    if (!data.status) { say(SAVED); return false; }
    drop(item);
    if (form && item.token === form.dataset.token && answer) {
      answer.innerHTML = data.html;
      say("");
    } else {
      say(data.status === "checked_in" || data.status === "already"
        ? "之前离线保存的签到已提交成功" : "之前离线保存的签到未成功：" + (data.message || ""));
    }
    return true;
  }

  function flush() {
    if (flushing || navigator.onLine === false) { return; }
    var items = load();
    if (!items.length) { return; }
    flushing = true;
    var next = function (i) {
      if (i >= items.length) { flushing = false; return; }
      send(items[i]).then(function (reply) {
        if (settle(items[i], reply)) { next(i + 1); } else { flushing = false; }
      }, function () { flushing = false; say(SAVED); });
    };
    next(0);
  }

  function tap(position) {
    var item = {
      token: form.dataset.token, key: form.idempotency_key.value, grace: form.grace.value,
      scanned_at: new Date(Date.now() + skew).toISOString(),
      latitude: position ? String(position.coords.latitude) : "",
      longitude: position ? String(position.coords.longitude) : ""
    };
    var offline = function () { keep(item); say(SAVED); };
    if (navigator.onLine === false) { offline(); return; }
    say("正在签到…");
    // Sent as a tap of now; only a kept one is judged at its own time.
    send({token: item.token, key: item.key, grace: item.grace, latitude: item.latitude,
          longitude: item.longitude}).then(function (reply) {
      if (!settle(item, reply) && reply.data.code !== "login_required") { offline(); }
    }, offline);
  }

  if (form) {
    var busy = false;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (busy) { return; }
      busy = true;
      var go = function (position) { tap(position); window.setTimeout(function () { busy = false; }, 1500); };
      if (form.dataset.fenced !== "yes" || !navigator.geolocation) { go(null); return; }
      navigator.geolocation.getCurrentPosition(go, function () { go(null); },
                                               {enableHighAccuracy: true, timeout: 10000});
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
