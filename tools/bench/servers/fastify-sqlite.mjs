// Ceiling: fastify 5 reading one protocol_runs row by id with better-sqlite3 (a cached prepared
// statement) and answering it as JSON. argv[2]: the SQLite file. Prints its URL when ready.
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const db = new Database(process.argv[2], { readonly: true });
const byId = db.prepare('SELECT * FROM protocol_runs WHERE id = ?');
const app = Fastify({ logger: false });
app.get('/protocols/:id', async (request, reply) => {
  const row = byId.get(Number(request.params.id));
  if (!row) return reply.code(404).send({ detail: 'not found' });
  return row;
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
