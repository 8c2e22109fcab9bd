// viewer-lighthouse-desktop and viewer-lighthouse-mobile (make bench): Lighthouse 12.2.3 (pinned in
// bench/viewer/package.json) on Debian's Chromium against the viewer, simulated throttling (its
// defaults): the performance score and total blocking time, each a median of RUNS runs (default 3),
// runs of the two form factors alternating. Prints one JSON line.
// Usage: node bench/viewer/lighthouse.mjs BASE_URL [RUNS]
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2; };
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic'],
});
const results = { desktop: [], mobile: [] };
try {
  for (let i = 0; i < runs; i++) {
    for (const form of i % 2 ? ['mobile', 'desktop'] : ['desktop', 'mobile']) {
      const r = await lighthouse(`${base}/`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] },
        form === 'desktop' ? desktopConfig : undefined);
      const lhr = r.lhr;
      if (lhr.runtimeError) throw new Error(`${form}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      results[form].push({
        score: Math.round(lhr.categories.performance.score * 100),
        tbt_ms: lhr.audits['total-blocking-time'].numericValue,
        lcp_ms: lhr.audits['largest-contentful-paint'].numericValue,
        bytes: lhr.audits['total-byte-weight'].numericValue,
      });
    }
  }
} finally {
  await chrome.kill();
}
const summary = (xs) => ({ runs: xs, score: median(xs.map((x) => x.score)), tbt_ms: median(xs.map((x) => x.tbt_ms)), lcp_ms: median(xs.map((x) => x.lcp_ms)), bytes: median(xs.map((x) => x.bytes)) });
console.log(JSON.stringify({ lighthouse: '12.2.3', desktop: summary(results.desktop), mobile: summary(results.mobile) }));
