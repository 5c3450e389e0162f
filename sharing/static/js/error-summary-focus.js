// Moves focus to a form's error summary when the page loads after a failed save, so that a
// keyboard or screen reader user starts at the list of problems (GOV.UK error summary).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
});
