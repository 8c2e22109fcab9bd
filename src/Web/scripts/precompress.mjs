// Brotli and gzip copies of the built assets beside them (x.js.br, x.js.gz), made once at build
// time so that the server sends them as they are instead of compressing on every request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const worth = /\.(js|mjs|css|html|svg|json|woff)$/;
let before = 0, after = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) { walk(file); continue; }
    if (!worth.test(name)) continue;
    const data = readFileSync(file);
    if (data.length < 1024) continue;
    const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
    writeFileSync(file + '.br', br);
    writeFileSync(file + '.gz', gzipSync(data, { level: 9 }));
    before += data.length; after += br.length;
  }
}
walk(dist);
console.log(`precompress: ${(before / 1024).toFixed(0)} KB of assets, ${(after / 1024).toFixed(0)} KB as Brotli`);
