// The board's big screen (/board?screen=1): after `data-every` seconds open the next screen page, so a
// hall's screen goes through every row by itself; the pause button holds the page (WCAG 2.2.2).
(function () {
  "use strict";
  var turn = document.querySelector("[data-next-screen]");
  if (!turn) { return; }
  var next = turn.getAttribute("data-next-screen");
  var every = parseInt(turn.getAttribute("data-every"), 10) * 1000;
  var button = turn.querySelector(".screen-pause");
  var timer = null;

  function start() { timer = window.setTimeout(function () { window.location.assign(next); }, every); }
  function stop() { window.clearTimeout(timer); timer = null; }

  button.addEventListener("click", function () {
    var paused = timer === null;
    if (paused) { start(); } else { stop(); }
    button.setAttribute("aria-pressed", paused ? "false" : "true");
    button.textContent = paused ? "暂停翻页" : "继续翻页";
  });
  turn.hidden = false;
  start();
})();
