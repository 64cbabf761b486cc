// The post form's "Shown as" shows the featured image saved with the post. When the choice
// changes (picked, cleared, or uploaded with the + button), it says so instead of showing a
// picture that is no longer the one chosen. select2 and the + window announce a change
// through jQuery, so the change is heard through jQuery.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_featured_image");
  const preview = document.querySelector(".featured-preview");
  if (!select || !preview || !window.django?.jQuery) return;
  const saved = preview.innerHTML;
  window.django.jQuery(select).on("change", () => {
    if (select.value === preview.dataset.saved) {
      preview.innerHTML = saved;
    } else if (select.value) {
      const chosen = select.selectedOptions[0]?.textContent ?? "";
      preview.textContent = `“${chosen}” will be shown once the post is saved.`;
    } else {
      preview.textContent = "No featured image once the post is saved.";
    }
  });
});
