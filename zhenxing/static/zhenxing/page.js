/* Behaviour every page shares, kept out of the HTML so the Content-Security-Policy allows no
   inline script: the menu starts open on wide screens (folded on phones), a button marked
   data-print prints the page, a select marked data-autosubmit sends its filter form, and every
   file input gets a Chinese 选择文件 button and the chosen file's name (the browser's own button
   speaks the browser's language). */
(function () {
  "use strict";

  function fileInput(input) {
    if (input.dataset.zxFile) return;
    input.dataset.zxFile = "1";
    var box = document.createElement("span");
    box.className = "file-pick";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
    var name = document.createElement("span");
    name.className = "file-name";
    name.textContent = "未选择文件";
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    box.appendChild(button);
    box.appendChild(name);
    input.classList.add("file-native");
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      name.textContent = names.length ? names.join("、") : "未选择文件";
    });
  }

  function ready() {
    var nav = document.getElementById("sidenav");
    if (nav && window.matchMedia("(min-width: 900px)").matches) nav.open = true;
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file]:not([data-zx-native])"), fileInput);
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-print]");
    if (button) { e.preventDefault(); window.print(); }
  });

  document.addEventListener("change", function (e) {
    var select = e.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) select.form.submit();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
