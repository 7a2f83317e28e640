// The staff dashboard keeps the invitation answers current: the table is fetched again every
// 30 seconds while the page is visible (no page reload, nothing typed is lost).
(function () {
  const box = document.querySelector("[data-refresh-url]");
  if (!box) {
    return;
  }
  const url = box.dataset.refreshUrl;
  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          box.innerHTML = html;
        }
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 30000);
})();
