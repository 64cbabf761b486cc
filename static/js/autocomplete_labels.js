// Django's autocomplete boxes (select2) are not named after their field's label: a screen
// reader announces an unnamed combobox and an unnamed search field. Name each box whenever
// select2 draws it beside its select (scripts' order in the form's media is not ours to set).
function nameBox(select) {
  const label = document.querySelector(`label[for="${select.id}"]`);
  const container = select.nextElementSibling;
  if (!label || !container?.classList.contains("select2")) return;
  label.id ||= `${select.id}-label`;
  const box = container.querySelector(".select2-selection--single");
  if (box) {
    // The box reads "label, choice"; the choice's own text box is named by the label.
    const shown = container.querySelector(".select2-selection__rendered");
    box.setAttribute("aria-labelledby", [label.id, shown?.id].filter(Boolean).join(" "));
    shown?.setAttribute("aria-labelledby", label.id);
  }
  const search = container.querySelector(".select2-search__field");
  search?.setAttribute("aria-label", label.textContent.replace(/:\s*$/, ""));
}

document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    nameBox(select);
    new MutationObserver(() => nameBox(select)).observe(select.parentElement, { childList: true });
  }
});
