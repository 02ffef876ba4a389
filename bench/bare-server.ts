/**
 * Baseline for `npm run bench`: a bare Fastify route on the same machine, no database, no
 * session, no validation. What the framework itself costs; the gap to the real routes is ours.
 * Prints "LISTENING <port>" when ready.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ ok: true, items: [], total: 0 }));
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
console.log(`LISTENING ${typeof addr === 'object' && addr ? addr.port : 0}`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
process.on('SIGINT', () => app.close().then(() => process.exit(0)));
