// The visit form: add and remove problems, and keep what was typed in this browser until the
// server has saved it (a form that fails to send on a weak signal loses nothing). The draft keeps
// the form's hidden one-time token too, so a resend of a restored draft is known as the same visit.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  var key = "draft:" + form.dataset.draft;
  var list = form.querySelector("[data-problems]");
  var template = form.querySelector("[data-problem-template]");
  var total = form.querySelector("input[name=problems-TOTAL_FORMS]");

  function renumber() {
    var items = list.querySelectorAll("[data-problem]");
    items.forEach(function (item, i) {
      item.querySelectorAll("[name],[id],label[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/problems-(\d+|__prefix__)-/, "problems-" + i + "-"));
        });
      });
    });
    total.value = items.length;
  }
  function addProblem() {
    list.appendChild(template.content.cloneNode(true));
    renumber();
  }
  form.querySelector("[data-add-problem]").addEventListener("click", function () {
    addProblem();
    var items = list.querySelectorAll("[data-problem]");
    items[items.length - 1].querySelector("input,select,textarea").focus();
    save();
  });
  list.addEventListener("click", function (event) {
    if (!event.target.matches("[data-remove-problem]")) return;
    event.target.closest("[data-problem]").remove();
    renumber();
    save();
  });

  function save() {
    var fields = [];
    form.querySelectorAll("input,select,textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name.indexOf("-FORMS") > 0) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      fields.push([el.name, el.value]);
    });
    var data = { problems: list.querySelectorAll("[data-problem]").length, fields: fields };
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw || form.querySelector(".errorlist")) return; // the server's own copy wins
    var data = JSON.parse(raw);
    while (list.querySelectorAll("[data-problem]").length < data.problems) addProblem();
    form.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
    data.fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === pair[1]) el.checked = true;
        } else {
          el.value = pair[1];
        }
      });
    });
    var note = document.querySelector("[data-draft-note]");
    note.hidden = false;
    note.querySelector("[data-draft-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      window.location.reload();
    });
  }
  // 现场解决: how and by whom are asked only of a problem solved there and then.
  function showOnSpot(box) {
    box.closest("[data-problem]").querySelectorAll("[data-on-spot-detail]").forEach(function (p) {
      p.hidden = !box.checked;
    });
  }
  function showAllOnSpot() {
    list.querySelectorAll("input[name$='-solved_on_spot']").forEach(showOnSpot);
  }
  list.addEventListener("change", function (event) {
    if (/-solved_on_spot$/.test(event.target.name || "")) showOnSpot(event.target);
  });
  form.querySelector("[data-add-problem]").addEventListener("click", showAllOnSpot);

  restore();
  showAllOnSpot();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
