// A form submits once: a double-click does not send it twice.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form.dataset.submitted) {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  form.querySelectorAll("[type=submit]").forEach(function (button) {
    button.classList.add("disabled");
    button.setAttribute("aria-disabled", "true");
  });
});
// Confirmation for actions that cannot be undone without another step.
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
