// The vendor's questionnaire: saves answers as they are typed, warns before leaving with
// unsaved work, keeps the progress counts current, and uploads evidence on a question without
// leaving the page. Without JavaScript the page works as a plain form.
(function () {
  "use strict";

  var form = document.getElementById("answer-form");
  if (!form) {
    return;
  }
  var TYPING_PAUSE_MS = 2500;
  var CHOICE_PAUSE_MS = 400;
  var token = (form.querySelector("input[name=csrf_token]") || {}).value || "";

  // -- progress ------------------------------------------------------------------------------

  function isAnswered(fieldset) {
    var radios = fieldset.querySelectorAll("input[type=radio]");
    if (!radios.length) {
      return fieldset.getAttribute("data-answered") === "1";
    }
    return fieldset.querySelector("input[type=radio]:checked") !== null;
  }

  function setCount(selector, count) {
    document.querySelectorAll(selector).forEach(function (holder) {
      var number = holder.querySelector("[data-answered-count]");
      if (number) {
        number.textContent = String(count);
      }
    });
  }

  function updateProgress() {
    var total = 0;
    form.querySelectorAll("section[data-topic]").forEach(function (section) {
      var answered = 0;
      section.querySelectorAll("fieldset[data-question]").forEach(function (fieldset) {
        if (isAnswered(fieldset)) {
          answered += 1;
        }
      });
      total += answered;
      setCount('[data-topic-progress="' + section.getAttribute("data-topic") + '"]', answered);
    });
    setCount("#progress-overall", total);
    var bar = document.querySelector("[data-progress-bar]");
    if (bar) {
      bar.value = total;
    }
  }

  form.addEventListener("change", updateProgress);

  // -- autosave ------------------------------------------------------------------------------

  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=version]");
  var dirty = false;
  var edits = 0; // counts edits, so a save that raced a newer edit leaves the page dirty
  var timer = null;
  var saving = false;
  var pending = false;
  var submitAfterSave = false;
  var goAfterSave = null; // a link followed while answers were unsaved: saved first, then opened

  function say(text, failed) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("text-danger", Boolean(failed));
    if (failed) {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "btn btn-link btn-sm p-0 ms-1 align-baseline";
      retry.textContent = "Retry";
      retry.addEventListener("click", function () {
        save();
      });
      status.appendChild(retry);
    }
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function ownField(target) {
    return target && target.form === form && target.name && target.name !== "version";
  }

  function edited(event, delay) {
    if (!url || !ownField(event.target)) {
      return;
    }
    dirty = true;
    edits += 1;
    say("Unsaved changes");
    schedule(delay);
  }

  function save() {
    window.clearTimeout(timer);
    if (!url || !dirty) {
      return;
    }
    if (saving) {
      pending = true;
      return;
    }
    saving = true;
    var sent = edits;
    say("Saving…");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (!response.ok) {
              throw new Error(body.message || "The server refused the save.");
            }
            return body;
          });
      })
      .then(function (body) {
        if (version && body.version !== undefined) {
          version.value = String(body.version);
        }
        if (sent === edits) {
          dirty = false;
        }
        say("Saved at " + body.saved_at);
      })
      .catch(function (error) {
        say("Not saved — " + error.message, true);
      })
      .then(function () {
        saving = false;
        if (submitAfterSave) {
          submitAfterSave = false;
          dirty = false;
          form.submit();
          return;
        }
        if (pending) {
          pending = false;
          save();
        } else if (goAfterSave) {
          var target = goAfterSave;
          goAfterSave = null;
          if (!dirty) {
            window.location.href = target;
          }
        }
      });
  }

  form.addEventListener("input", function (event) {
    var choice = event.target.type === "radio";
    edited(event, choice ? CHOICE_PAUSE_MS : TYPING_PAUSE_MS);
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") {
      edited(event, CHOICE_PAUSE_MS);
    }
  });
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (saving) {
      // A save is on its way and will move the version on: send the form once it is back,
      // with the new version, rather than have the server refuse a stale page.
      event.preventDefault();
      submitAfterSave = true;
      return;
    }
    // The page is about to be replaced by the saved draft, so there is nothing to lose.
    dirty = false;
  });
  document.querySelectorAll("a[data-save-first]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (dirty && url) {
        event.preventDefault();
        goAfterSave = link.href;
        save();
      }
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // -- evidence on a question ----------------------------------------------------------------

  function showFile(code, file) {
    var holder = document.querySelector('[data-evidence-list="' + code + '"]');
    if (!holder) {
      return;
    }
    var list = holder.querySelector("ul");
    if (!list) {
      holder.innerHTML = "";
      list = document.createElement("ul");
      list.className = "small mb-2";
      holder.appendChild(list);
    }
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = file.url;
    link.textContent = file.name;
    item.appendChild(link);
    if (file.valid_until) {
      var until = document.createElement("span");
      until.className = "text-muted";
      until.textContent = " valid until " + file.valid_until;
      item.appendChild(until);
    }
    list.appendChild(item);
  }

  function reasons(body, status) {
    if (status === 413) {
      return "The file is too large.";
    }
    var errors = (body && body.errors) || {};
    var all = [];
    Object.keys(errors).forEach(function (field) {
      if (field !== "csrf_token") {
        all = all.concat(errors[field]);
      } else {
        all.push("The page expired. Reload it, then upload again.");
      }
    });
    return all.join(" ") || "The file could not be uploaded. Try again.";
  }

  document.querySelectorAll("form.evidence-upload").forEach(function (upload) {
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = upload.getAttribute("data-question");
      var error = document.querySelector('[data-evidence-error="' + code + '"]');
      var done = document.querySelector('[data-evidence-status="' + code + '"]');
      var file = document.getElementById(upload.id + "-file");
      error.textContent = "";
      done.textContent = "Uploading…";
      if (file) {
        file.classList.remove("is-invalid");
      }
      fetch(upload.action, {
        method: "POST",
        body: new FormData(upload),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (body) {
              if (response.status !== 201) {
                throw new Error(reasons(body, response.status));
              }
              return body;
            });
        })
        .then(function (body) {
          showFile(code, body.file);
          done.textContent = "Uploaded " + body.file.name + ".";
          if (file) {
            file.value = "";
          }
        })
        .catch(function (failure) {
          done.textContent = "";
          error.textContent = failure.message;
          if (file) {
            file.classList.add("is-invalid");
            file.focus();
          }
        });
    });
  });
})();
