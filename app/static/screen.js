// The hall's screen: fetch a fresh code well before the old one expires; on a network failure, keep trying and say so.
(function () {
  var screen = document.querySelector(".screen");
  var img = document.getElementById("code"), stale = document.getElementById("stale");
  var url = screen.dataset.codeUrl;
  var every = parseInt(screen.dataset.refreshSeconds, 10) * 1000;
  function refresh() {
    fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (c) { img.src = c.image; img.dataset.expiresAt = c.expires_at; stale.style.visibility = "hidden"; })
      .catch(function () { stale.style.visibility = "visible"; })
      .then(function () { setTimeout(refresh, every); });
  }
  setTimeout(refresh, every);
})();
