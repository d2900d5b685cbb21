import { Router } from 'express';
import { canSee } from '../../core/access/grant.js';
import { NotFoundError } from '../../core/errors.js';
import type { GroupEvent } from '../../core/generations/groups/types.js';
import type { GenerationEvent } from '../../core/generations/types.js';
import { grantOf } from '../access.js';
import { toLiveUpdate } from '../public-generation.js';
import type { WebDeps } from '../types.js';

// Proxies close idle connections after about a minute; a comment line now and then keeps it open.
const heartbeatMs = 25_000;
// A client that stopped reading would make us buffer every event for it; past this it is cut off
// (EventSource reconnects by itself, and a page reload picks up the current state anyway).
export const maxBufferedBytes = 256 * 1024;

/**
 * `GET /events`: server-sent events, one `generation` event per change of any generation, carrying
 * only id, status, progress and the last log line, of the generations the request's link or session
 * may see (none: 404), and one `group` event (its id and status) when a group of them ends.
 * `?ids=a,b` narrows the stream to those generations and the groups they are members of.
 */
export function eventRoutes(events: WebDeps['events'], groupEvents?: WebDeps['groupEvents']): Router {
  const router = Router();
  router.get('/events', (req, res) => {
    const grant = grantOf(res);
    if (!events || grant.kind === 'nothing') throw new NotFoundError('page', req.path);
    const wanted =
      typeof req.query.ids === 'string' && req.query.ids
        ? new Set(req.query.ids.split(',').slice(0, 200))
        : undefined;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (name: string, data: unknown) => {
      if (res.writableLength > maxBufferedBytes) {
        res.destroy();
        return;
      }
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = events.subscribe((event: GenerationEvent) => {
      if (wanted && !wanted.has(event.generation.id)) return;
      if (!canSee(grant, event.generation)) return;
      // A tick changes nothing the gallery shows: it only moves chat status messages' elapsed time.
      if (event.type === 'tick') return;
      const update = toLiveUpdate(event.generation);
      // The event's type is the truth even if the generation object was snapshotted a step earlier.
      if (event.type === 'succeeded' || event.type === 'failed' || event.type === 'canceled')
        Object.assign(update, { status: event.type, final: true });
      if (event.type === 'progress' && event.percent !== undefined) update.progress = event.percent;
      if (event.type === 'progress' && event.log !== undefined) update.lastLog = event.log;
      send('generation', update);
    });
    // A group's grid is composed after its last member ended: its end comes on its own.
    const unsubscribeGroups = groupEvents?.subscribe((event: GroupEvent) => {
      if (event.type !== 'finished' || !canSee(grant, event.group)) return;
      if (wanted && !event.group.memberIds.some((id) => wanted.has(id))) return;
      send('group', { id: event.group.id, status: event.group.status });
    });
    // Written after subscribing: a client that has read this line misses no event.
    res.write('retry: 3000\n\n');
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unsubscribeGroups?.();
    });
  });
  return router;
}
