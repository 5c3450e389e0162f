// Bulk renewal amendments: post the window, read the zip as the server streams it, count the
// amendments as they arrive (each is named "renewal-amendments/..." in the zip), then save it.
// Without fetch streams the form posts normally and the browser downloads the zip itself.
(function () {
  var form = document.getElementById("bulk-renewal-form");
  if (!form || !window.fetch || !window.TextDecoder || !window.ReadableStream) {
    return;
  }
  var total = parseInt(form.getAttribute("data-bulk-total"), 10) || 0;
  var panel = document.getElementById("bulk-progress");
  var bar = document.getElementById("bulk-progress-bar");
  var text = document.getElementById("bulk-progress-text");
  var marker = "renewal-amendments/";

  function show(done, finished) {
    var shown = Math.min(done, total);
    bar.value = shown;
    bar.textContent = shown + " of " + total;
    text.textContent = finished
      ? "Done: the zip is downloading. Its SUMMARY.csv lists each agreement's outcome."
      : shown + " of " + total + " amendments generated…";
  }

  function fileName(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : "renewal-amendments.zip";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    panel.classList.remove("d-none");
    show(0, false);
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/zip") !== 0) {
          form.submit(); // let the server's page explain the problem
          return null;
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder("latin1");
        var chunks = [];
        var seen = 0;
        var tail = "";
        function pump() {
          return reader.read().then(function (step) {
            if (step.done) {
              return;
            }
            chunks.push(step.value);
            var window_ = tail + decoder.decode(step.value, { stream: true });
            var index = window_.indexOf(marker);
            while (index !== -1) {
              seen += 1;
              index = window_.indexOf(marker, index + marker.length);
            }
            tail = window_.slice(-(marker.length - 1));
            show(seen, false);
            return pump();
          });
        }
        return pump().then(function () {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(new Blob(chunks, { type: "application/zip" }));
          link.download = fileName(response);
          document.body.appendChild(link);
          link.click();
          link.remove();
          show(total, true);
          button.disabled = false;
        });
      })
      .catch(function () {
        text.textContent = "The download was interrupted. Try again.";
        button.disabled = false;
      });
  });
})();
