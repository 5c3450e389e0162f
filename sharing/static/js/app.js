// Ask before destructive actions: any form with data-confirm="message".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // Long work (a trial render, a generation): say so and stop a second submission.
  var busy = form.getAttribute("data-busy");
  if (busy && !event.defaultPrevented) {
    var button = form.querySelector("button[type=submit], input[type=submit]");
    if (button) {
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (button.tagName === "BUTTON") {
          button.textContent = busy;
        } else {
          button.value = busy;
        }
      }, 0);
    }
  }
});
