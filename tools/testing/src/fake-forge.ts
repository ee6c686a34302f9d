import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake forge received. */
export interface FakeForgeRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An issue comment as the fake forge keeps it (edited in place by PATCH). */
export interface FakeForgeComment {
  id: number;
  issue: number;
  body: string;
  /** How many times it was edited after it was posted. */
  edits: number;
}

/** An issue the fake forge serves at `GET /repos/{owner}/{repo}/issues/{n}`. */
export interface FakeForgeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
}

export interface FakeForge {
  url: string;
  requests: FakeForgeRequest[];
  /** Comments by id, in the order they were posted. */
  comments: FakeForgeComment[];
  addIssue(issue: FakeForgeIssue): void;
  close(): Promise<void>;
}

/**
 * A stand-in for the GitHub REST API of one repository (`owner/repo`), for end-to-end tests: opens
 * pull requests (`POST /repos/o/r/pulls` → number 7), serves issues, and keeps issue comments
 * (`POST .../issues/{n}/comments`, `PATCH .../issues/comments/{id}`). Everything else is a 404.
 */
export async function startFakeForge(repository: string): Promise<FakeForge> {
  const requests: FakeForgeRequest[] = [];
  const comments: FakeForgeComment[] = [];
  const issues = new Map<number, FakeForgeIssue>();
  const base = `/repos/${repository}`;
  const answer = (status: number, body: unknown) => ({ status, body });
  const route = (method: string, path: string, body: Record<string, unknown>) => {
    if (method === 'POST' && path === `${base}/pulls`)
      return answer(201, {
        number: 7,
        html_url: `https://github.com/${repository}/pull/7`,
        draft: body.draft === true,
      });
    const issue = new RegExp(`^${base}/issues/(\\d+)$`).exec(path);
    if (method === 'GET' && issue) {
      const found = issues.get(Number(issue[1]));
      if (!found) return answer(404, { message: 'Not Found' });
      return answer(200, {
        number: found.number,
        title: found.title,
        body: found.body,
        html_url: `https://github.com/${repository}/issues/${found.number}`,
        labels: found.labels.map((name) => ({ name })),
        state: 'open',
      });
    }
    const post = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(path);
    if (method === 'POST' && post) {
      const comment = {
        id: 9000 + comments.length + 1,
        issue: Number(post[1]),
        body: String(body.body ?? ''),
        edits: 0,
      };
      comments.push(comment);
      return answer(201, { id: comment.id, body: comment.body });
    }
    const patch = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path);
    if (method === 'PATCH' && patch) {
      const comment = comments.find((c) => c.id === Number(patch[1]));
      if (!comment) return answer(404, { message: 'Not Found' });
      comment.body = String(body.body ?? '');
      comment.edits += 1;
      return answer(200, { id: comment.id, body: comment.body });
    }
    return answer(404, { message: 'Not Found' });
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const method = request.method ?? '';
      const url = request.url ?? '';
      requests.push({ method, url, headers: request.headers, body });
      const { status, body: out } = route(method, url.split('?')[0] ?? url, body);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    comments,
    addIssue: (issue) => issues.set(issue.number, issue),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
