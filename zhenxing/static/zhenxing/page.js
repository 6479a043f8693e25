/* Behaviour every page shares, kept out of the HTML so the Content-Security-Policy allows no
   inline script: the menu starts open on wide screens (folded on phones), a button marked
   data-print prints the page, and a select marked data-autosubmit sends its filter form. */
(function () {
  "use strict";

  function ready() {
    var nav = document.getElementById("sidenav");
    if (nav && window.matchMedia("(min-width: 900px)").matches) nav.open = true;
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
