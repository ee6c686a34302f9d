import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookSender, signWebhookBody } from './webhook-sender.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 answering each request with `answer` (or never, when it returns null). */
async function receiver(answer: () => { status: number; body: string } | null) {
  const received: Received[] = [];
  const hanging: (() => void)[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const reply = answer();
      if (reply === null) {
        hanging.push(() => response.destroy());
        return;
      }
      response.writeHead(reply.status).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('signWebhookBody', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body', () => {
    const body = '{"event":"protocol_completed","é":1}';
    expect(signWebhookBody('s3cret', body)).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(Buffer.from(body, 'utf8')).digest('hex')}`,
    );
    expect(signWebhookBody('s3cret', body)).not.toBe(signWebhookBody('other', body));
  });
});

describe('createWebhookSender', () => {
  it('POSTs the body with the event, delivery and signature headers; a 2xx is ok', async () => {
    const server = await receiver(() => ({ status: 204, body: '' }));
    try {
      const result = await createWebhookSender({ timeoutMs: 10_000 }).send({
        url: server.url,
        body: '{"a":1}',
        secret: 'top-secret',
        eventType: 'protocol_completed',
        deliveryId: '42',
      });
      expect(result).toEqual({ ok: true, statusCode: 204, error: null });
      expect(server.received).toHaveLength(1);
      const [request] = server.received;
      expect(request!.body).toBe('{"a":1}');
      expect(request!.headers['content-type']).toBe('application/json');
      expect(request!.headers['x-tasksgodzilla-event']).toBe('protocol_completed');
      expect(request!.headers['x-tasksgodzilla-delivery']).toBe('42');
      expect(request!.headers['x-tasksgodzilla-signature-256']).toBe(signWebhookBody('top-secret', '{"a":1}'));
    } finally {
      await server.close();
    }
  });

  it('sends no signature without a secret; a non-2xx answer is an error with its status and an excerpt', async () => {
    const server = await receiver(() => ({ status: 500, body: 'boom '.repeat(200) }));
    try {
      const result = await createWebhookSender({ timeoutMs: 10_000 }).send({
        url: server.url,
        body: '{}',
        secret: null,
        eventType: 'open_pr',
        deliveryId: '1',
      });
      expect(result.ok).toBe(false);
      expect(result.statusCode).toBe(500);
      expect(result.error).toMatch(/^HTTP 500: boom boom/);
      expect(result.error!.length).toBeLessThanOrEqual('HTTP 500: '.length + 300);
      expect(server.received[0]!.headers['x-tasksgodzilla-signature-256']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('gives up on a receiver that does not answer within the timeout, without throwing', async () => {
    const server = await receiver(() => null);
    try {
      const result = await createWebhookSender({ timeoutMs: 200 }).send({
        url: server.url,
        body: '{}',
        secret: 'x',
        eventType: 'open_pr',
        deliveryId: '1',
      });
      expect(result).toEqual({ ok: false, statusCode: null, error: 'no answer within 200 ms' });
    } finally {
      await server.close();
    }
  });

  it('reports a refused connection as an error with its cause', async () => {
    const server = await receiver(() => ({ status: 200, body: '' }));
    const url = server.url;
    await server.close();
    const result = await createWebhookSender({ timeoutMs: 10_000 }).send({
      url,
      body: '{}',
      secret: null,
      eventType: 'open_pr',
      deliveryId: '1',
    });
    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});
