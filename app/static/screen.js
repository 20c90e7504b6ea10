// The hall's screen: a fresh code well before the old one expires, the live list of who has come every few
// seconds (304 while nothing changed), paging by itself when the names outgrow it; a dropped network is said
// on the screen and both keep trying until it comes back.
(function () {
  var screen = document.querySelector(".screen");
  var img = document.getElementById("code"), stale = document.getElementById("stale");
  var count = document.getElementById("count"), leaveCount = document.getElementById("leave-count");
  var roll = document.getElementById("roll"), recent = document.getElementById("recent");
  var pageOf = document.getElementById("page-of");
  var codeEvery = parseInt(screen.dataset.refreshSeconds, 10) * 1000;
  var rollEvery = parseInt(screen.dataset.rollSeconds, 10) * 1000;
  var RETRY = 3000, PAGE_EVERY = 8000, RECENT = 6;
  var failing = {code: false, roll: false}, loggedOut = false, etag = null, codeTimer = null;

  function say() {
    stale.textContent = loggedOut ? "登录已失效，请在这台电脑上重新登录后再打开大屏" : "网络中断，正在重新连接…";
    stale.hidden = !(loggedOut || failing.code || failing.roll);
  }

  function get(url, headers) {
    return fetch(url, {credentials: "same-origin", cache: "no-store", headers: headers || {}}).then(function (r) {
      loggedOut = r.status === 401;
      if (!r.ok && r.status !== 304) { throw new Error(r.status); }
      return r;
    });
  }

  function refreshCode() {
    clearTimeout(codeTimer);
    get(screen.dataset.codeUrl)
      .then(function (r) { return r.json(); })
      .then(function (c) { img.src = c.image; img.dataset.expiresAt = c.expires_at; failing.code = false; })
      .catch(function () { failing.code = true; })
      .then(function () { say(); codeTimer = setTimeout(refreshCode, failing.code ? RETRY : codeEvery); });
  }

  function span(kind, text) {
    var part = document.createElement("span");
    part.className = kind;
    part.textContent = text;
    return part;
  }

  function item(m) {
    var li = document.createElement("li");
    li.className = m.checked_in ? "came" : (m.on_leave ? "leave" : "due");
    li.dataset.memberId = m.member_id;
    li.dataset.checkedIn = m.checked_in ? "true" : "false";
    li.dataset.onLeave = m.on_leave ? "true" : "false";
    if (m.checked_in_at) { li.dataset.checkedInAt = m.checked_in_at; }
    if (m.checked_in) { li.appendChild(span("tick", "✓")); }
    li.appendChild(span("name", m.name));
    if (m.on_leave) { li.appendChild(span("mark", "请假")); }
    if (!m.own_community) { li.appendChild(span("mark", "外社区")); }
    return li;
  }

  function render(state) {
    count.textContent = state.checked_in_count;
    count.dataset.checkedInCount = state.checked_in_count;
    leaveCount.textContent = state.on_leave_count;
    var list = document.createDocumentFragment();
    state.members.forEach(function (m) { list.appendChild(item(m)); });
    roll.replaceChildren(list);
    var latest = state.members.filter(function (m) { return m.checked_in_at; })
      .sort(function (a, b) { return a.checked_in_at < b.checked_in_at ? 1 : -1; })
      .slice(0, RECENT).map(function (m) { return m.name; });
    recent.textContent = latest.length ? "刚刚签到：" + latest.join("、") : "";
    paging();
  }

  function refreshRoll() {
    var wasFailing = failing.roll;
    get(screen.dataset.rollUrl, etag ? {"If-None-Match": etag} : {})
      .then(function (r) {
        if (r.status === 304) { return null; }
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (state) {
        if (state) { render(state); }
        failing.roll = false;
        // Back from a dropped network: the code shown may have died meanwhile.
        if (wasFailing) { refreshCode(); }
      })
      .catch(function () { failing.roll = true; })
      .then(function () { say(); setTimeout(refreshRoll, failing.roll ? RETRY : rollEvery); });
  }

  // One page is as many whole rows as the list shows at once.
  function pageStep() {
    var items = roll.children;
    if (items.length < 2) { return roll.clientHeight; }
    var first = items[0].offsetTop, row = 0;
    for (var i = 1; i < items.length && !row; i++) { row = items[i].offsetTop - first; }
    return row ? Math.max(row, Math.floor(roll.clientHeight / row) * row) : roll.clientHeight;
  }

  function paging() {
    var step = pageStep();
    var pages = roll.scrollHeight > roll.clientHeight + 2 ? Math.ceil((roll.scrollHeight - 2) / step) : 1;
    if (roll.scrollTop >= pages * step) { roll.scrollTop = 0; }
    pageOf.textContent = pages > 1 ? "第 " + (Math.round(roll.scrollTop / step) + 1) + "/" + pages + " 页" : "";
  }

  function turnPage() {
    var step = pageStep();
    roll.scrollTop = roll.scrollTop + step >= roll.scrollHeight - 2 ? 0 : roll.scrollTop + step;
    paging();
  }

  codeTimer = setTimeout(refreshCode, codeEvery);
  refreshRoll();
  setInterval(turnPage, PAGE_EVERY);
  window.addEventListener("resize", paging);
})();
