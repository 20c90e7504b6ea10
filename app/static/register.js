// /register: once a community is chosen, the grid list offers only that community's grids. Without this
// script every community's grids stay listed, grouped by community, and the server refuses a wrong one.
(function () {
  "use strict";
  var community = document.getElementById("community_id");
  var grid = document.getElementById("grid_id");
  if (!community || !grid) return;
  function only() {
    var chosen = community.value;
    var groups = grid.querySelectorAll("optgroup[data-community-id]");
    for (var i = 0; i < groups.length; i++) {
      var mine = !chosen || groups[i].getAttribute("data-community-id") === chosen;
      groups[i].hidden = !mine;
      groups[i].disabled = !mine;
    }
    var selected = grid.options[grid.selectedIndex];
    if (selected && selected.parentNode.disabled) grid.value = "";
  }
  community.addEventListener("change", only);
  only();
})();
