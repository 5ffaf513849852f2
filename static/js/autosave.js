// Autosave: each change posts the form with the name of the question that changed; the server
// saves only that question and answers with the questions to swap (skip logic, errors, status).
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt;
  if (!form.matches || !form.matches("form[data-autosave]")) return;
  var trigger = event.detail.triggeringEvent;
  var field = trigger && trigger.target && trigger.target.name;
  if (!field || field.indexOf("v_") === 0 || field.indexOf("o_") === 0) {
    event.preventDefault();
    return;
  }
  event.detail.parameters["changed"] = field;
});
