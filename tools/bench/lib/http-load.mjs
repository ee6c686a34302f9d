// A lean keep-alive HTTP/1.1 load generator on raw sockets: `connections` sockets, each sending one
// GET, waiting for the whole response (Content-Length bodies only), and sending the next, for
// `durationMs`. It does as little per request as a client can, so the server is what is measured.
import { connect } from 'node:net';

/**
 * @param {{ url: string, connections?: number, durationMs: number, headers?: Record<string, string>, warmupMs?: number }} options
 * @returns {Promise<{ requests: number, errors: number, non2xx: number, rps: number, p50_ms: number, p99_ms: number }>}
 */
export async function httpLoad({ url, connections = 10, durationMs, headers = {}, warmupMs = 0 }) {
  const target = new URL(url);
  const lines = [`GET ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, 'Connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  if (warmupMs > 0) await drive(target, request, connections, warmupMs);
  return drive(target, request, connections, durationMs);
}

async function drive(target, request, connections, durationMs) {
  const latencies = [];
  let errors = 0;
  let non2xx = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, () =>
      oneConnection(target, request, deadline, latencies).then(
        (counts) => {
          non2xx += counts.non2xx;
        },
        () => {
          errors += 1;
        },
      ),
    ),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    non2xx,
    rps: (latencies.length / elapsed) * 1000,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
  };
}

/** The q-quantile of an ascending array (0 when empty). */
export function percentile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function oneConnection(target, request, deadline, latencies) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    let buffer = Buffer.alloc(0);
    let sentAt = 0;
    let non2xx = 0;
    const send = () => {
      sentAt = performance.now();
      socket.write(request);
    };
    socket.once('connect', send);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!match) {
          socket.destroy();
          reject(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
          return;
        }
        const total = end + 4 + Number(match[1]);
        if (buffer.length < total) return;
        if (head.charCodeAt(9) !== 50) non2xx += 1; // "HTTP/1.1 2xx"
        buffer = buffer.subarray(total);
        const now = performance.now();
        latencies.push(now - sentAt);
        if (now >= deadline) {
          socket.end();
          resolve({ non2xx });
          return;
        }
        send();
      }
    });
  });
}
