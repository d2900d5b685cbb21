import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Payload } from './http.js';
import { snowflake } from './snowflake.js';
import type { FakeDiscordState } from './state.js';

/** Something a client sent over the gateway, kept for assertions. */
export interface GatewayFrame {
  op: number;
  d: Payload;
  at: number;
}

interface Session {
  socket: WebSocket;
  id: string;
  sequence: number;
  identified: boolean;
  /** `[id, count]` from the session's identify, as Discord shards: [0, 1] unsharded. */
  shard: [number, number];
  received: GatewayFrame[];
}

/** Discord's rule: a guild's events go to shard `(guild_id >> 22) % count`; direct messages to shard 0. */
export function shardOf(guildId: string | undefined, count: number): number {
  return guildId ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0;
}

const holds = (session: Session, guildId: string | undefined) =>
  shardOf(guildId, session.shard[1]) === session.shard[0];

/** A WebSocket gateway speaking enough of Discord's protocol for discord.js to log in and take events. */
export interface FakeGateway {
  /** The `[id, count]` of every session that identified, in order. */
  readonly identifiedShards: [number, number][];
  /** Every frame every client sent, in order. */
  readonly received: GatewayFrame[];
  /** Sessions that identified and got READY. */
  readonly readySessions: number;
  /** Sends a dispatch (op 0) to every identified session whose shard holds the event's guild. */
  dispatch(event: string, data: unknown): void;
  /** Resolves once some client has identified and been sent READY and GUILD_CREATE. */
  waitForReady(): Promise<void>;
  /** Resolves when a client sends a frame with this opcode (already received ones count). */
  waitForOp(op: number, after?: number): Promise<GatewayFrame>;
  close(): Promise<void>;
}

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
};

export function createGateway(
  server: Server,
  state: FakeDiscordState,
  options: { path: string; heartbeatIntervalMs: number },
): FakeGateway {
  const wss = new WebSocketServer({ server, path: options.path });
  const sessions = new Set<Session>();
  const received: GatewayFrame[] = [];
  const waiters = new Set<() => void>();
  let readySessions = 0;
  const identifiedShards: [number, number][] = [];
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const send = (session: Session, payload: { op: number; d: unknown; t?: string }) => {
    const frame =
      payload.op === Op.Dispatch ? { ...payload, s: ++session.sequence } : { s: null, t: null, ...payload };
    session.socket.send(JSON.stringify(frame));
  };

  const guildCreate = () => ({
    id: state.guildId,
    name: state.guildName,
    icon: null,
    owner_id: snowflake(),
    unavailable: false,
    member_count: 2,
    large: false,
    joined_at: new Date().toISOString(),
    features: [],
    roles: [
      {
        id: state.guildId,
        name: '@everyone',
        permissions: '1071698660929',
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: [
      {
        id: state.channelId,
        type: 0,
        name: 'videos',
        position: 0,
        guild_id: state.guildId,
        permission_overwrites: [],
      },
      {
        id: state.nsfwChannelId,
        type: 0,
        name: 'after-dark',
        position: 1,
        guild_id: state.guildId,
        permission_overwrites: [],
        nsfw: true,
      },
    ],
    members: [state.member(state.botUser)],
    threads: [],
    presences: [],
    voice_states: [],
    emojis: [],
    stickers: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  wss.on('connection', (socket) => {
    const session: Session = {
      socket,
      id: snowflake(),
      sequence: 0,
      identified: false,
      shard: [0, 1],
      received: [],
    };
    sessions.add(session);
    socket.on('close', () => sessions.delete(session));
    socket.on('message', (raw) => {
      let frame: { op: number; d: Payload };
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        return socket.close(4002, 'Decode error');
      }
      const record = { op: frame.op, d: frame.d, at: Date.now() };
      received.push(record);
      session.received.push(record);
      switch (frame.op) {
        case Op.Heartbeat:
          send(session, { op: Op.HeartbeatAck, d: null });
          break;
        case Op.Identify:
          if (frame.d?.token !== state.token) return socket.close(4004, 'Authentication failed.');
          if (frame.d?.compress) return socket.close(4002, 'Compression is not supported by the fake');
          session.identified = true;
          session.shard = frame.d.shard ?? [0, 1];
          identifiedShards.push(session.shard);
          send(session, {
            op: Op.Dispatch,
            t: 'READY',
            d: {
              v: 10,
              user: state.botUser,
              guilds: holds(session, state.guildId) ? [{ id: state.guildId, unavailable: true }] : [],
              session_id: session.id,
              resume_gateway_url: `${state.baseUrl.replace(/^http/, 'ws')}${options.path}`,
              shard: session.shard,
              application: { id: state.applicationId, flags: 0 },
            },
          });
          if (holds(session, state.guildId))
            send(session, { op: Op.Dispatch, t: 'GUILD_CREATE', d: guildCreate() });
          readySessions++;
          break;
        case Op.Resume:
          // Sessions do not survive here; discord.js then identifies afresh.
          send(session, { op: Op.InvalidSession, d: false });
          break;
      }
      notify();
    });
    send(session, { op: Op.Hello, d: { heartbeat_interval: options.heartbeatIntervalMs } });
  });

  const waitFor = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const found = check();
      if (found !== undefined) return resolve(found);
      const waiter = () => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(waiter);
        resolve(value);
      };
      waiters.add(waiter);
    });

  return {
    identifiedShards,
    received,
    get readySessions() {
      return readySessions;
    },
    dispatch(event, data) {
      // Only the shard that holds the guild hears its events, as on Discord.
      const guildId = (data as { guild_id?: string } | null)?.guild_id;
      for (const session of sessions)
        if (session.identified && holds(session, guildId))
          send(session, { op: Op.Dispatch, t: event, d: data });
    },
    waitForReady: () => waitFor(() => (readySessions > 0 ? true : undefined)).then(() => undefined),
    waitForOp: (op, after = 0) => waitFor(() => received.slice(after).find((frame) => frame.op === op)),
    async close() {
      for (const session of sessions) session.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
