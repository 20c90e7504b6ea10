// 全选 on the audit queue: one box ticks or clears every row's box. Without this script the box stays
// hidden and each row is ticked by hand; the form is the same either way.
(function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  var boxes = document.querySelectorAll('.audit-queue input[name="ids"]');
  all.closest(".select-all").hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    });
  });
})();
