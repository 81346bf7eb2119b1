// Mobilua's pages: the editor (CodeMirror when it loaded, else the plain
// textarea), marks on the line an error names, and a process's live
// output and state (Server-Sent Events from /p/PID/events).
(function () {
  "use strict";

  var code = document.getElementById("code");
  var editor = null;
  if (code && window.CodeMirror) {
    editor = CodeMirror.fromTextArea(code, { mode: "lua", lineNumbers: true, indentUnit: 2, viewportMargin: Infinity });
  }

  // an error such as "hello.lua:3: ..." marks line 3 of the editor
  var err = document.getElementById("error");
  if (err && editor) {
    var m = /:(\d+):/.exec(err.textContent);
    if (m) {
      var line = parseInt(m[1], 10) - 1;
      if (line >= 0 && line < editor.lineCount()) {
        editor.addLineClass(line, "background", "error-line");
        editor.scrollIntoView({ line: line, ch: 0 });
      }
    }
  }

  // a chosen .lua file goes into the editor
  var file = document.querySelector('input[type=file][name=file]');
  if (file) {
    file.addEventListener("change", function () {
      var f = file.files[0];
      if (!f) return;
      var r = new FileReader();
      r.onload = function () {
        if (editor) editor.setValue(r.result); else code.value = r.result;
        var name = document.getElementById("name");
        if (name && !name.value) name.value = f.name;
        file.value = "";
      };
      r.readAsText(f);
    });
  }

  // a process's page follows it
  var out = document.getElementById("output");
  if (out && window.EventSource) {
    var pid = out.dataset.pid;
    var es = new EventSource("/p/" + encodeURIComponent(pid) + "/events?end=" + encodeURIComponent(out.dataset.end));
    es.addEventListener("output", function (e) {
      var ev = JSON.parse(e.data);
      if (ev.reset) out.textContent = ev.text; else out.textContent += ev.text;
      out.dataset.end = ev.end;
      out.scrollTop = out.scrollHeight;
    });
    es.addEventListener("state", function (e) {
      var ev = JSON.parse(e.data);
      var st = document.getElementById("state");
      st.textContent = ev.text;
      st.className = "state-" + ev.state;
      var form = document.getElementById("input-form");
      form.hidden = ev.state !== "input";
      document.getElementById("prompt").textContent = ev.prompt || "it waits for input";
      if (!form.hidden) document.getElementById("input").focus();
      if (!ev.live) {
        // it ended: what only a live process takes goes
        ["kill-form", "move-form", "send-form", "input-form"].forEach(function (id) {
          var f = document.getElementById(id);
          if (f) f.hidden = true;
        });
        es.close();
      }
    });
    es.addEventListener("gone", function () { es.close(); });
  }
})();
