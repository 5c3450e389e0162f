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

// Wide tables scroll sideways inside a labelled region instead of being cut off on a phone
// (WCAG 1.4.10). Tables already in a .table-responsive box get the same labelling; the
// region takes keyboard focus only while it has something to scroll.
(function () {
  function labelFor(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    if (table.getAttribute("aria-label")) {
      return table.getAttribute("aria-label");
    }
    var node = table.parentElement;
    while (node && node.tagName !== "MAIN") {
      var heading = node.previousElementSibling;
      while (heading) {
        if (/^H[1-6]$/.test(heading.tagName)) {
          return heading.textContent.trim();
        }
        var inner = heading.querySelector && heading.querySelector("h1, h2, h3, h4, h5, h6");
        if (inner) {
          return inner.textContent.trim();
        }
        heading = heading.previousElementSibling;
      }
      node = node.parentElement;
    }
    return "Table";
  }
  var regions = [];
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.classList.contains("table-stacked")) {
      return;  // already one block per row on a phone
    }
    var box = table.parentElement;
    if (!box.classList.contains("table-responsive") && !box.classList.contains("table-scroll")) {
      box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    box.classList.add("table-region");
    box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", labelFor(table) + " (table, scrolls sideways)");
    }
    regions.push(box);
  });
  function updateFocusable() {
    regions.forEach(function (box) {
      // The same test axe-core makes: any overflow, either way, makes a box scrollable
      // (a hidden caption can overflow it by a pixel downwards).
      if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  updateFocusable();
  window.addEventListener("resize", updateFocusable);
})();
