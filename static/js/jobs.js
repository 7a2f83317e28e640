// A background job's page: ask how far the job is about once a second, move the bar and say
// what the job is doing, and show the result (reload the page) once it is over. If the job
// can no longer be asked about (gone: 404, or the session ended: a redirect to log-in), stop
// and say so.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var state = document.getElementById("job-state");
  var bar = document.getElementById("job-progress");
  var done = document.getElementById("job-done");
  function stop() {
    state.textContent = box.dataset.gone;
    state.classList.add("text-danger");
  }
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected || (response.status >= 400 && response.status < 500)) {
          stop();
          return null;
        }
        if (!response.ok) throw new Error(response.statusText);  // the server: try again
        return response.json();
      })
      .then(function (job) {
        if (!job) return;
        if (job.finished) {
          window.location.reload();
          return;
        }
        state.textContent = job.state === "queued" ? box.dataset.queued : box.dataset.running;
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        done.textContent = job.total ? job.done + " / " + job.total : job.done;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
