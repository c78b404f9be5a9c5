// A manual referral: the provider list shows only the organisations that offer the chosen
// service. Without this script every group is listed and the server refuses a mismatch.
(function () {
  document.querySelectorAll("[data-manual-referral]").forEach(function (box) {
    var service = box.querySelector("select[name=manual_service]");
    var provider = box.querySelector("select[name=manual_provider]");
    if (!service || !provider) return;
    function filter() {
      provider.querySelectorAll("optgroup").forEach(function (group) {
        var show = !service.value || group.dataset.service === service.value;
        group.hidden = !show;
        group.disabled = !show;
      });
      var chosen = provider.selectedOptions[0];
      if (chosen && chosen.parentElement.disabled) provider.value = "";
    }
    service.addEventListener("change", filter);
    filter();
  });
})();
