/* 全选本页: a checkbox with data-select-all="<form id>" ticks every row checkbox (name="ids") of that
   bulk form on the page. The form works without it (each row can be ticked by hand). */
document.addEventListener("change", function (e) {
  var box = e.target;
  if (!box.matches || !box.matches("input[data-select-all]")) return;
  var rows = document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + box.dataset.selectAll + '"]');
  rows.forEach(function (c) { if (!c.disabled) c.checked = box.checked; });
});
