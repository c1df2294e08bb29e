/* Searchable inputs: <input data-lookup="/lookup/sites" data-lookup-label="…"> holds a record's id and works
   without this file (the id is typed). Here it becomes a combobox: the user types part of a name, picks one
   of at most 20 suggestions with the mouse or the arrow keys and Enter, and the id goes into the original
   input, which is hidden. ARIA 1.2 combobox pattern; the results come from the app's own JSON endpoint.
   <input data-lookup-list="/lookup/employees" data-lookup-labels='[{"id": 1, "label": "…"}]'> holds several
   ids separated by commas: each chosen record is a chip with a remove button, and the search box adds one. */
(function () {
  "use strict";
  var counter = 0;

  /* A search box in front of the (hidden) input; choose(id, label) is called for a picked suggestion. */
  function combobox(input, url, choose) {
    counter += 1;
    var listId = "lookup-list-" + counter;
    var box = document.createElement("input");
    box.type = "text";
    box.className = "lookup-box";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", listId);
    box.setAttribute("autocomplete", "off");
    if (input.id) {
      var label = document.querySelector('label[for="' + input.id + '"]');
      if (label) { label.setAttribute("for", input.id + "-search"); }
      box.id = input.id + "-search";
    }
    ["aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (input.hasAttribute(name)) { box.setAttribute(name, input.getAttribute(name)); }
    });
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "lookup-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.type = "hidden";
    input.parentNode.insertBefore(box, input);
    input.parentNode.insertBefore(list, input.nextSibling);
    input.parentNode.insertBefore(status, list.nextSibling);

    var active = -1, timer = null, asked = 0;

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function pick(option) {
      choose(option.getAttribute("data-id"), option.textContent);
      close();
    }
    function highlight(index) {
      var options = list.querySelectorAll("li");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", options[active].id);
    }
    function show(results) {
      list.textContent = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-id", r.id);
        li.textContent = r.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(li); });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      box.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = String(results.length);
      active = -1;
    }
    function ask() {
      var q = box.value.trim();
      if (q.length < 2) { show([]); return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(q),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (mine === asked) { show(data.results || []); } })
        .catch(function () { show([]); });
    }
    box.addEventListener("input", function () {
      box.dispatchEvent(new CustomEvent("lookup-typed"));
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { ask(); } else { highlight(active + 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        pick(list.querySelectorAll("li")[active]);
      } else if (event.key === "Escape") { close(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 100); });
    return box;
  }

  function enhance(input) {
    var box = combobox(input, input.getAttribute("data-lookup"), function (id, label) {
      input.value = id;
      box.value = label;
    });
    box.value = input.getAttribute("data-lookup-label") || "";
    // A typed name is no choice until a suggestion is picked.
    box.addEventListener("lookup-typed", function () { input.value = ""; });
  }

  function enhanceList(input) {
    var chosen = [];
    try { chosen = JSON.parse(input.getAttribute("data-lookup-labels") || "[]"); } catch (e) { chosen = []; }
    var chips = document.createElement("ul");
    chips.className = "lookup-chips";
    var box = combobox(input, input.getAttribute("data-lookup-list"), function (id, label) {
      if (!chosen.some(function (c) { return String(c.id) === String(id); })) { chosen.push({id: id, label: label}); }
      box.value = "";
      render();
    });
    box.parentNode.insertBefore(chips, box);

    function render() {
      chips.textContent = "";
      chosen.forEach(function (c, i) {
        var li = document.createElement("li");
        li.className = "lookup-chip";
        li.setAttribute("data-id", c.id);
        var text = document.createElement("span");
        text.textContent = c.label;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "lookup-chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (chips.getAttribute("data-remove") || "Remove") + " " + c.label);
        remove.addEventListener("click", function () {
          chosen.splice(i, 1);
          render();
          box.focus();
        });
        li.appendChild(text);
        li.appendChild(remove);
        chips.appendChild(li);
      });
      chips.hidden = chosen.length === 0;
      input.value = chosen.map(function (c) { return c.id; }).join(",");
    }
    chips.setAttribute("data-remove", input.getAttribute("data-lookup-remove") || "Remove");
    render();
  }

  function start() {
    document.querySelectorAll("input[data-lookup]").forEach(enhance);
    document.querySelectorAll("input[data-lookup-list]").forEach(enhanceList);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
