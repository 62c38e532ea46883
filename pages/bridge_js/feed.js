// A feed element (pages/bridge.py feed()): hands its payloads to the views that bridge.js mounted (window.rnnxFeed;
// before any view, there is nothing to update). Streamlit sends a component's code with each of its elements: so
// the many feeds of a training run each carry these few lines, as each view carries view.js.
export default function feed({ data }) {
  window.rnnxFeed?.(data);
}
