// Import progress: poll the job's status and reload the page when the work is done.
(function () {
  var section = document.getElementById("import-progress");
  if (!section || !window.fetch) {
    return;
  }
  var statusUrl = section.getAttribute("data-status-url");
  var jobUrl = section.getAttribute("data-job-url");
  var bar = document.getElementById("import-bar");
  var stage = document.getElementById("import-stage");
  var count = document.getElementById("import-count");

  function poll() {
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (!status) {
          return;
        }
        if (!status.working) {
          window.location.assign(jobUrl);
          return;
        }
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        stage.textContent = status.stage;
        count.textContent = status.progress + " of " + status.total + " rows";
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
