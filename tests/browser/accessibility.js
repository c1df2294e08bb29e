/* What axe-core does not check, measured on the rendered page: horizontal overflow, tap target sizes, focus ring
 * contrast and focus hidden under the sticky header. Loaded into every page of tests/browser/test_accessibility.py
 * as window.qmsA11y; every function returns plain data for the Python side to judge. */
window.qmsA11y = (function () {
  "use strict";

  function parse(color) {
    var m = /rgba?\(([^)]+)\)/.exec(color || "");
    if (!m) { return null; }
    var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function over(top, bottom) {
    return {r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
            b: top.b * top.a + bottom.b * (1 - top.a), a: 1};
  }
  function luminance(c) {
    var ch = [c.r, c.g, c.b].map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function hex(c) {
    return "#" + [c.r, c.g, c.b].map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join("");
  }
  function describe(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) { s += "#" + el.id; }
    if (el.classList.length) { s += "." + Array.prototype.join.call(el.classList, "."); }
    ["type", "name"].forEach(function (attr) { if (el.getAttribute(attr)) { s += "[" + attr + "=" + el.getAttribute(attr) + "]"; } });
    var text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? s + ' "' + text + '"' : s;
  }
  /** One entry per kind of element: a table of 50 rows need not be measured 50 times. */
  function signature(el) {
    var parent = el.parentElement;
    return [el.tagName, el.getAttribute("type"), el.className, parent && parent.tagName, parent && parent.className,
            el.closest("header") ? "h" : "", el.closest("nav") ? "n" : ""].join("|");
  }
  function shown(el) {
    var style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== "hidden" && style.display !== "none";
  }
  function tiny(rect) { return rect.width <= 1 || rect.height <= 1; }

  /** Elements that stick out to the right of the window (the outermost ones), when the page scrolls sideways. */
  function overflow() {
    var width = document.documentElement.clientWidth;
    var scrollWidth = document.documentElement.scrollWidth;
    var culprits = [];
    if (scrollWidth > width) {
      var all = document.body.querySelectorAll("*");
      for (var i = 0; i < all.length && culprits.length < 3; i++) {
        var el = all[i];
        if (el.getBoundingClientRect().right <= width + 1) { continue; }
        var parent = el.parentElement;
        if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 1) { continue; }
        culprits.push(describe(el).slice(0, 90) + " (" + Math.round(el.getBoundingClientRect().right) + " px)");
      }
      // Text wider than its box (a long word in a heading) sticks out without its element doing so.
      var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), node;
      while ((node = walker.nextNode()) && culprits.length < 5) {
        var range = document.createRange();
        range.selectNodeContents(node);
        var right = range.getBoundingClientRect().right;
        if (right > width + 1) {
          culprits.push("text in " + describe(node.parentElement).slice(0, 40) + ": \"" +
                        node.textContent.trim().slice(0, 50) + "\" (" + Math.round(right) + " px)");
        }
      }
    }
    return {width: width, scrollWidth: scrollWidth, culprits: culprits};
  }

  /** The tap area of buttons, links and fields in the page's forms and menus: buttons and links themselves,
   * a check box or radio button (or a visually hidden file input) through its label; links inside a sentence
   * are exempt, as WCAG's "inline" exception says. */
  function tapTargets(min, scope) {
    var selector = scope || ("main form button, main form input:not([type=hidden]), main form select, main form a[href]," +
      " main a.button, main .actions a[href], header a[href], header button, nav a[href], nav button, .subnav a[href]," +
      " .pager a[href]");
    var seen = {}, small = [], checked = 0;
    document.querySelectorAll(selector).forEach(function (el) {
      if (el.disabled || !shown(el)) { return; }
      var target = el, rect = el.getBoundingClientRect();
      var toggles = el.type === "checkbox" || el.type === "radio";
      if ((toggles || tiny(rect) || getComputedStyle(el).opacity === "0") && el.labels && el.labels.length) {
        target = Array.prototype.reduce.call(el.labels, function (best, label) {
          var r = label.getBoundingClientRect(), b = best.getBoundingClientRect();
          return r.width * r.height > b.width * b.height ? label : best;
        }, el.labels[0]);
        rect = target.getBoundingClientRect();
      } else if (tiny(rect)) {
        return;  // visually hidden without a label: not a target
      }
      if (el.tagName === "A" && !el.classList.contains("button")) {
        var parent = el.parentElement, text = "";
        parent.childNodes.forEach(function (node) { if (node.nodeType === 3) { text += node.textContent; } });
        if (text.trim().length > 1) { return; }  // a link inside a sentence
      }
      checked++;
      var key = signature(el);
      if ((rect.width < min - 0.5 || rect.height < min - 0.5) && !seen[key]) {
        seen[key] = true;
        small.push(describe(el) + (target !== el ? " (its label)" : "") + ": " + Math.round(rect.width) + "×" +
                   Math.round(rect.height) + " px");
      }
    });
    return {checked: checked, small: small};
  }

  /** The colours behind a point, composited from the top layer down; ``skip`` (and what it holds) is left out. */
  function backdrop(x, y, skip) {
    var layers = [];
    var stack = document.elementsFromPoint(x, y);
    for (var i = 0; i < stack.length; i++) {
      if (skip && skip.contains(stack[i])) { continue; }
      var c = parse(getComputedStyle(stack[i]).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
    }
    var out = {r: 255, g: 255, b: 255, a: 1};
    for (var j = layers.length - 1; j >= 0; j--) { out = over(layers[j], out); }
    return out;
  }

  /** Focus each kind of focusable element once (after a real key press, so focus shows as from the keyboard)
   * and measure its outline against what is right beside it, on all four sides. */
  function focusRings(scope, known) {
    var root = scope ? document.querySelector(scope) : document;
    var selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
    var seen = {}, problems = [], checked = 0, measured = [];
    (known || []).forEach(function (key) { seen[key] = true; });
    var elements = root ? root.querySelectorAll(selector) : [];
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (el.disabled || !shown(el) || tiny(el.getBoundingClientRect())) { continue; }
      var key = signature(el);
      if (seen[key]) { continue; }
      seen[key] = true;
      measured.push(key);
      el.focus();
      if (document.activeElement !== el) { continue; }
      var style = getComputedStyle(el);
      if (!el.matches(":focus-visible")) { continue; }
      checked++;
      var width = parseFloat(style.outlineWidth) || 0;
      if (style.outlineStyle === "none" || width < 2) {
        problems.push(describe(el) + ": no focus outline of at least 2 px (" + style.outlineStyle + " " + style.outlineWidth + ")");
        continue;
      }
      var ring = parse(style.outlineColor);
      var offset = parseFloat(style.outlineOffset) || 0;
      var rect = el.getBoundingClientRect(), d = offset + width / 2;
      var points = [[rect.left - d, rect.top + rect.height / 2], [rect.right + d, rect.top + rect.height / 2],
                    [rect.left + rect.width / 2, rect.top - d], [rect.left + rect.width / 2, rect.bottom + d]];
      var worst = null;
      points.forEach(function (p) {
        if (p[0] < 0 || p[1] < 0 || p[0] >= window.innerWidth || p[1] >= window.innerHeight) { return; }
        var behind = backdrop(p[0], p[1], d > 0 ? el : null);
        var ratio = contrast(over(ring, behind), behind);
        if (!worst || ratio < worst.ratio) { worst = {ratio: ratio, behind: behind}; }
      });
      if (worst && worst.ratio < 3) {
        problems.push(describe(el) + ": focus ring " + hex(ring) + " on " + hex(worst.behind) + " is " +
                      worst.ratio.toFixed(2) + ":1");
      }
    }
    if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
    return {checked: checked, problems: problems, measured: measured};
  }

  /** The bottom edge of the sticky top bar (0 when nothing sticks), and where the focused element is. */
  function focusPlace() {
    var header = document.querySelector("body > header");
    var style = header && getComputedStyle(header);
    var bottom = style && (style.position === "sticky" || style.position === "fixed") ? header.getBoundingClientRect().bottom : 0;
    var el = document.activeElement;
    if (!el || el === document.body) { return null; }
    var rect = el.getBoundingClientRect();
    return {header: bottom, top: rect.top, bottom: rect.bottom, inHeader: !!(header && header.contains(el)),
            inMain: !!el.closest("main"), what: describe(el), viewport: window.innerHeight};
  }

  /** The last focusable field of the longest form in main, focused, with the page scrolled to the end; null when
   * no form in main is taller than the window. */
  function focusLastFieldOfLongForm() {
    var forms = Array.prototype.filter.call(document.querySelectorAll("main form"), function (f) {
      return shown(f) && f.getBoundingClientRect().height > window.innerHeight;
    });
    if (!forms.length) { return null; }
    var fields = Array.prototype.filter.call(
      forms[0].querySelectorAll("input:not([type=hidden]), select, textarea, button"),
      function (el) { return !el.disabled && shown(el) && !tiny(el.getBoundingClientRect()); });
    if (!fields.length) { return null; }
    window.scrollTo(0, document.documentElement.scrollHeight);
    fields[fields.length - 1].focus();
    return describe(fields[fields.length - 1]);
  }

  return {overflow: overflow, tapTargets: tapTargets, focusRings: focusRings, focusPlace: focusPlace,
          focusLastFieldOfLongForm: focusLastFieldOfLongForm, contrast: function (a, b) { return contrast(parse(a), parse(b)); }};
})();
