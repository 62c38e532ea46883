// A view element (pages/bridge.py view()): hands its arguments to bridge.js, which the page runs once per browser
// session (bridge_loader.js sets window.rnnxRender). Streamlit sends a component's code with each of its elements:
// so each view carries these lines, not the bridge's 67 kB of code and style sheet.
const waiting = new Map(); // element -> its latest arguments, until bridge.js runs (the loader may come later)
const rendered = new WeakMap(); // element -> the cleanup of its view, rendered when bridge.js came
let listening = false;

export default function view(args) {
  if (window.rnnxRender) return window.rnnxRender(args);
  const element = args.parentElement;
  waiting.set(element, args); // a re-render before bridge.js runs replaces the arguments it will get
  if (!listening) {
    listening = true;
    window.addEventListener("rnnx:bridge", () => {
      for (const [el, latest] of waiting) rendered.set(el, window.rnnxRender(latest));
      waiting.clear();
    }, { once: true });
  }
  return () => {
    waiting.delete(element);
    rendered.get(element)?.();
    rendered.delete(element);
  };
}
