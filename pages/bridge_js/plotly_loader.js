// Runs plotly.js in the page, once per browser session (pages/bridge.py, plotly_js()).
// data: plotly.min.js, gzip-compressed (a Uint8Array), while the server believes the page lacks it; else null.
// The page reports state "version" (plotly.js's version, or false) whenever the server's belief is wrong.
export default async function load({ data, setStateValue }) {
  if (!window.Plotly && data) {
    const text = await new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    if (!window.Plotly) {
      const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      await new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement("script"), { src: url, onload: resolve, onerror: reject });
        document.head.appendChild(script);
      });
      URL.revokeObjectURL(url);
    }
    window.dispatchEvent(new Event("rnnx:plotly"));
  }
  const version = window.Plotly ? window.Plotly.version : false;
  if (Boolean(version) === Boolean(data)) setStateValue("version", version);
}
