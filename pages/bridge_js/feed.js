// A feed element (pages/bridge.py feed()): hands its payloads to the views that bridge.js mounted (window.rnnxFeed;
// before any view, there is nothing to update). Apart from bridge.js so that the many feeds of a training run each
// carry these few lines, not the bridge's 40 kB of code and its style sheet, which the page would apply anew.
export default function feed({ data }) {
  window.rnnxFeed?.(data);
}
