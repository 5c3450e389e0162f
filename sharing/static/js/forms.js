// Form helpers that every page may use. Each one only adds to a page that works without it.
(function () {
  "use strict";

  // Error summary (GOV.UK pattern): after a failed save, start at the list of problems.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    // An autofocused first field would pull focus away from the summary again.
    document.querySelectorAll("[autofocus]").forEach(function (element) {
      element.removeAttribute("autofocus");
    });
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      // Show the field's label or legend too, not only the box scrolled to the very top.
      event.preventDefault();
      var group = field.type === "radio" && field.closest("fieldset");
      var label = document.querySelector("label[for='" + field.id + "']");
      ((group && group.querySelector("legend")) || label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  // A filter box over a long list of choices: data-filter-list="<container id>". Items are
  // the container's [data-filter-item] elements (the text of their [data-filter-text] part,
  // or all their text, is searched); groups are its
  // [data-filter-group] elements, hidden when none of their items match; the count goes
  // to the element named by data-filter-count, which is an aria-live region.
  function setUpFilters() {
    document.querySelectorAll("[data-filter-list]").forEach(function (box) {
      var list = document.getElementById(box.getAttribute("data-filter-list"));
      var count = document.getElementById(box.getAttribute("data-filter-count"));
      if (!list) {
        return;
      }
      var items = Array.prototype.slice.call(list.querySelectorAll("[data-filter-item]"));
      var groups = list.querySelectorAll("[data-filter-group]");
      box.closest("[hidden]") && box.closest("[hidden]").removeAttribute("hidden");
      function apply() {
        var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        items.forEach(function (item) {
          // Hidden items are still posted: the filter changes what shows, never what is saved.
          var source = item.querySelector("[data-filter-text]") || item;
          var text = source.textContent.toLowerCase();
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          item.hidden = !match;
          shown += match ? 1 : 0;
        });
        groups.forEach(function (group) {
          group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
        });
        if (count) {
          count.textContent = shown + " of " + items.length + " shown";
        }
      }
      box.addEventListener("input", apply);
      apply();
    });
  }

  // "Add another" rows: a container [data-add-another] holds rows [data-row] whose inputs are
  // named prefix-N-field and labelled with data-label-template ("Name of subprocessor {n}").
  // The add button copies the last row blank; each row's remove button drops it. Without
  // script, the blank rows the server rendered stay as they are.
  function setUpAddAnother() {
    document.querySelectorAll("[data-add-another]").forEach(function (container) {
      var body = container.querySelector("[data-rows]");
      var addButton = container.querySelector("[data-add-row]");
      var status = container.querySelector("[data-rows-status]");
      var max = parseInt(container.getAttribute("data-max-rows") || "0", 10);
      var prefix = container.getAttribute("data-prefix");
      if (!body || !addButton || !prefix) {
        return;
      }
      container.querySelectorAll("[data-js-only]").forEach(function (element) {
        element.hidden = false;
      });
      function rows() {
        return Array.prototype.slice.call(body.querySelectorAll("[data-row]"));
      }
      function renumber() {
        rows().forEach(function (row, index) {
          row.querySelectorAll("[data-label-template]").forEach(function (element) {
            var text = element.getAttribute("data-label-template").replace("{n}", index + 1);
            element.setAttribute("aria-label", text);
          });
        });
        var full = max && rows().length >= max;
        addButton.disabled = Boolean(full);
      }
      function nextIndex() {
        var highest = -1;
        body.querySelectorAll("input[name^='" + prefix + "-']").forEach(function (input) {
          var match = input.name.slice(prefix.length + 1).match(/^(\d+)-/);
          if (match) {
            highest = Math.max(highest, parseInt(match[1], 10));
          }
        });
        return highest + 1;
      }
      addButton.addEventListener("click", function () {
        var last = rows()[rows().length - 1];
        if (!last) {
          return;
        }
        var index = nextIndex();
        var row = last.cloneNode(true);
        row.querySelectorAll("input").forEach(function (input) {
          var field = input.name.replace(/^.*-\d+-/, "");
          input.name = prefix + "-" + index + "-" + field;
          input.id = input.name;
          input.value = "";
          input.classList.remove("is-invalid");
          input.removeAttribute("aria-invalid");
          input.removeAttribute("aria-describedby");
        });
        row.querySelectorAll(".invalid-feedback").forEach(function (element) {
          element.remove();
        });
        body.appendChild(row);
        renumber();
        var first = row.querySelector("input");
        if (first) {
          first.focus();
        }
        if (status) {
          status.textContent = "Row " + rows().length + " added.";
        }
      });
      body.addEventListener("click", function (event) {
        var button = event.target.closest("[data-remove-row]");
        if (!button) {
          return;
        }
        var row = button.closest("[data-row]");
        if (rows().length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        }
        renumber();
        addButton.focus();
        if (status) {
          status.textContent = "Row removed. " + rows().length + " rows left.";
        }
      });
      renumber();
    });
  }

  focusErrorSummary();
  setUpFilters();
  setUpAddAnother();
})();
