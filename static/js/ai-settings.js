// The AI settings page: the model field suggests the models of the provider picked. The page
// works without it (the list is then the saved provider's until the page is saved).
(function () {
  "use strict";

  function sync() {
    var provider = document.getElementById("id_provider");
    var model = document.getElementById("id_model");
    if (provider && model) model.setAttribute("list", "models-" + provider.value);
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_provider") sync();
  });
  document.addEventListener("DOMContentLoaded", sync);
})();
