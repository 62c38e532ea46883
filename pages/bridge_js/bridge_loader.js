// Runs bridge.js (every view's code) and its style sheet in the page, once per browser session (pages/bridge.py,
// scripts()). data: {version}, and {js, css} while the server has not sent this version to this page. The page
// reports state "version" (the version it runs, or false) whenever the server's belief is wrong.
export default async function load({ data, setStateValue }) {
  const { version, js, css } = data;
  if (js && window.rnnxBridgeVersion && window.rnnxBridgeVersion !== version) {
    location.reload(); // the server runs other code now (a new release): its views would not fit the old ones
    return;
  }
  if (js && !window.rnnxBridgeLoading) {
    window.rnnxBridgeLoading = (async () => {
      const style = document.getElementById("rnnx-bridge-css") ||
        document.head.appendChild(Object.assign(document.createElement("style"), { id: "rnnx-bridge-css" }));
      style.textContent = css;
      const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
      try {
        window.rnnxRender = (await import(url)).default;
        window.rnnxBridgeVersion = version;
      } catch (e) {
        window.rnnxBridgeLoading = null; // the next copy the server sends tries again
        throw e;
      } finally {
        URL.revokeObjectURL(url);
      }
      window.dispatchEvent(new Event("rnnx:bridge"));
    })();
  }
  await window.rnnxBridgeLoading?.catch(() => {}); // a copy on its way in an earlier element counts as sent
  const runs = window.rnnxBridgeVersion === version;
  if (runs !== !js) setStateValue("version", runs ? version : false);
}
