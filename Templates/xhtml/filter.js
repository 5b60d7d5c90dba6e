// PortDoc: filters the rows of the port index and of a document's port tables by port number or
// word as you type. No network, no framework; without scripts the page shows every row and the
// filter field stays hidden.
document.addEventListener("DOMContentLoaded", function () {
  var field = document.getElementById("filter");
  if (!field) { return; }
  field.parentNode.className += " active";
  var rows = document.querySelectorAll("table tbody tr");
  field.addEventListener("input", function () {
    var words = field.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var show = words.every(function (w) { return text.indexOf(w) >= 0; });
      rows[i].style.display = show ? "" : "none";
    }
  });
});
