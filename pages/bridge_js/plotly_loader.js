// Runs plotly.js in the page, once per browser session (pages/bridge.py, scripts()).
// data: plotly.min.js, gzip-compressed (a Uint8Array), in the element that brings a copy; else null. The page says
// only when it does not run plotly.js (trigger "lacks": the copy was lost or failed), and the server sends another.
export default async function load({ data, setTriggerValue }) {
  if (!window.Plotly && data && !window.rnnxPlotlyLoading) {
    window.rnnxPlotlyLoading = (async () => {
      const text = await new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
      const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      try {
        await new Promise((resolve, reject) => {
          const script = Object.assign(document.createElement("script"), { src: url, onload: resolve, onerror: reject });
          document.head.appendChild(script);
        });
      } finally {
        URL.revokeObjectURL(url);
      }
      if (!window.Plotly) throw new Error("plotly.js ran without defining Plotly");
      window.dispatchEvent(new Event("rnnx:plotly"));
    })().catch((e) => {
      window.rnnxPlotlyLoading = null; // the next copy tries again
      console.error("plotly.js did not run", e);
    });
  }
  await window.rnnxPlotlyLoading; // a copy on its way in an earlier element counts
  if (!window.Plotly) setTriggerValue("lacks", true);
}
