// Runs plotly.js in the page, once per browser session (pages/bridge.py, scripts()).
// data: plotly.min.js, gzip-compressed (a Uint8Array), while the server has not sent it to this page; else null.
// The page reports state "version" (plotly.js's version, or false) whenever the server's belief is wrong.
export default async function load({ data, setStateValue }) {
  if (!window.Plotly && data && !window.rnnxPlotlyLoading) {
    window.rnnxPlotlyLoading = (async () => {
      const text = await new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
      const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      await new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement("script"), { src: url, onload: resolve, onerror: reject });
        document.head.appendChild(script);
      });
      URL.revokeObjectURL(url);
      window.dispatchEvent(new Event("rnnx:plotly"));
    })().catch((e) => {
      window.rnnxPlotlyLoading = null; // the next copy the server sends tries again
      throw e;
    });
  }
  await window.rnnxPlotlyLoading?.catch(() => {}); // a copy on its way in an earlier element counts as sent
  const version = window.Plotly ? window.Plotly.version : false;
  if (Boolean(version) === Boolean(data)) setStateValue("version", version);
}
