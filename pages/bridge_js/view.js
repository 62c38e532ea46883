// A view element (pages/bridge.py view()): hands its arguments to bridge.js, which the page runs once per browser
// session (bridge_loader.js sets window.rnnxRender). Streamlit sends a component's code with each of its elements:
// so each view carries these lines, not the bridge's 60 kB of code and its style sheet.
export default function view(args) {
  if (window.rnnxRender) return window.rnnxRender(args);
  let cleanup = null;
  const go = () => { cleanup = window.rnnxRender(args); };
  window.addEventListener("rnnx:bridge", go, { once: true }); // the loader's element may come later in the run
  return () => {
    window.removeEventListener("rnnx:bridge", go);
    cleanup?.();
  };
}
