// The /c page: a fenced event needs the phone's position; ask for it on the tap, and send the form either way.
(function () {
  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var sent = false;
  form.addEventListener("submit", function (e) {
    if (sent) { e.preventDefault(); return; }
    if (form.dataset.fenced !== "yes" || !navigator.geolocation) { sent = true; return; }
    e.preventDefault();
    var go = function () { sent = true; form.submit(); };
    navigator.geolocation.getCurrentPosition(function (p) {
      form.latitude.value = p.coords.latitude;
      form.longitude.value = p.coords.longitude;
      go();
    }, go, {enableHighAccuracy: true, timeout: 10000});
  });
})();
