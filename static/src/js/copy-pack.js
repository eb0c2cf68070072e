// The CPD copy pack (templates/cpd/copy_pack.html): a "Copy" button beside each answer puts its
// plain text on the clipboard and says so in a status line. Without JavaScript the buttons stay
// hidden and each answer is still a read-only box to select and copy by hand.
(function () {
  "use strict";

  function copyText(box) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(box.value);
    }
    box.focus();
    box.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function setUp(button) {
    var box = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!box) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(box).then(
        function () {
          if (status) status.textContent = "Copied";
          button.setAttribute("data-copied", "true");
        },
        function () {
          box.focus();
          box.select();
          if (status) status.textContent = "Select the text and copy it yourself";
        }
      );
    });
  }

  document.querySelectorAll("[data-copy-target]").forEach(setUp);
})();
