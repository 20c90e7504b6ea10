// The event form's "使用我当前的位置": fills the geofence from the phone's position. Without a script, or on
// a browser with no geolocation, the button stays hidden and the fields are typed in by hand.
(function () {
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) return;
  var status = document.getElementById("position-status");
  var latitude = document.getElementById("latitude");
  var longitude = document.getElementById("longitude");
  var radius = document.getElementById("radius_m");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "正在获取位置…";
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        if (!radius.value) radius.value = button.getAttribute("data-default-radius");
        status.textContent = "已填入当前位置（误差约 " + Math.round(position.coords.accuracy) + " 米）";
        button.disabled = false;
      },
      function (error) {
        status.textContent = error.code === error.PERMISSION_DENIED
          ? "未获得定位权限：请在浏览器设置中允许定位，或手动填写"
          : "暂时无法获取位置，请稍后再试或手动填写";
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
    );
  });
})();
