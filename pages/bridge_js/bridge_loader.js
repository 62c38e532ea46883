// Runs bridge.js (every view's code) and its style sheet in the page, once per browser session (pages/bridge.py,
// scripts()). data: {version}, with {js, css} in the element that brings a copy. The page says only when it does
// not run this version (trigger "lacks": the copy was lost or failed), and the server sends another.
export default async function load({ data, setTriggerValue }) {
  const { version, js, css } = data;
  if (js && window.rnnxBridgeVersion && window.rnnxBridgeVersion !== version) {
    location.reload(); // the server runs other code now (a new release): its views would not fit the old ones
    return;
  }
  if (js && !window.rnnxBridgeVersion && !window.rnnxBridgeLoading) {
    window.rnnxBridgeLoading = (async () => {
      const style = document.getElementById("rnnx-bridge-css") ||
        document.head.appendChild(Object.assign(document.createElement("style"), { id: "rnnx-bridge-css" }));
      style.textContent = css;
      const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
      try {
        window.rnnxRender = (await import(url)).default;
        window.rnnxBridgeVersion = version;
      } finally {
        URL.revokeObjectURL(url);
      }
      window.dispatchEvent(new Event("rnnx:bridge"));
    })().catch((e) => {
      window.rnnxBridgeLoading = null; // the next copy tries again
      console.error("bridge.js did not run", e);
    });
  }
  await window.rnnxBridgeLoading; // a copy on its way in an earlier element counts
  if (window.rnnxBridgeVersion !== version) setTriggerValue("lacks", true);
}
