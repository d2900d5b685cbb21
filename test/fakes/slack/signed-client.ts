import { createHmac, randomBytes } from 'node:crypto';
import type { FakeSocketMode, SocketAck } from './socket-mode.js';
import { stateFor, type TypedInput } from './view-state.js';

/** The person who clicks, types and submits in a test. */
export interface SlackPerson {
  id: string;
  name?: string;
}

/**
 * How a request is signed: properly, with a wrong secret, not at all, or properly but with a
 * timestamp ten minutes old (`stale`), ten minutes ahead (`future`) or a year ahead (`far-future`).
 */
export type Signing = 'valid' | 'bad' | 'none' | 'stale' | 'future' | 'far-future';

/** The timestamp offset, in seconds, of each way of signing. */
const timestampOffsetSec: Record<Signing, number> = {
  valid: 0,
  bad: 0,
  none: 0,
  stale: -10 * 60,
  future: 10 * 60,
  'far-future': 365 * 24 * 3600,
};

/** Bolt's answer to a request. */
export interface SlackReply {
  status: number;
  text: string;
  /** The body parsed as JSON; empty when Bolt answered with no JSON (a plain ack). */
  json: Record<string, unknown>;
  /** HTTP only: the response headers. */
  headers?: Headers;
}

export interface SignedClientOptions {
  /** The Bolt endpoint, e.g. http://127.0.0.1:1234/slack/events. */
  url: string;
  signingSecret: string;
  teamId?: string;
  apiAppId?: string;
  /** Mints a response_url per payload (the fake Slack's `responseUrl`). */
  responseUrl?: () => string;
  person?: SlackPerson;
}

type Json = Record<string, unknown>;

/** The signature Slack puts in `x-slack-signature`: v0 HMAC-SHA256 of `v0:timestamp:body`. */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** How payloads reach the app: signed HTTP posts, or Socket Mode envelopes. */
export interface SlackTransport {
  /** A slash command: its form fields. */
  command(fields: Record<string, string>, signing?: Signing): Promise<SlackReply>;
  /** An interactive payload (block_actions, view_submission, block_suggestion, shortcuts). */
  interactive(payload: Json, signing?: Signing): Promise<SlackReply>;
}

type PayloadOptions = Omit<SignedClientOptions, 'url' | 'signingSecret'>;

/** Builds the payloads Slack sends for what a person does, and sends them through `transport`. */
function createPayloadClient(transport: SlackTransport, options: PayloadOptions) {
  const teamId = options.teamId ?? 'T0TEAM001';
  const team = { id: teamId, domain: 'reelbot-test' };
  const apiAppId = options.apiAppId ?? 'A0APP0001';
  const defaultPerson = options.person ?? { id: 'U0PERSON1', name: 'ada' };
  const responseUrl = options.responseUrl ?? (() => 'https://hooks.slack.invalid/response');
  let triggerCounter = 0;

  const userOf = (person: SlackPerson = defaultPerson) => ({
    id: person.id,
    username: person.name ?? person.id,
    name: person.name ?? person.id,
    team_id: teamId,
  });

  function triggerId(): string {
    triggerCounter++;
    return `${Math.floor(Date.now() / 1000)}.${triggerCounter}.${randomBytes(8).toString('hex')}`;
  }

  return {
    /** A trigger id shaped like Slack's. */
    triggerId,

    /** `/video a cat` typed in a channel. */
    slashCommand(
      input: { command: string; text?: string; channelId?: string; person?: SlackPerson; triggerId?: string },
      signing?: Signing,
    ) {
      const person = input.person ?? defaultPerson;
      return transport.command(
        {
          token: 'verification-token-unused',
          team_id: teamId,
          team_domain: team.domain,
          channel_id: input.channelId ?? 'C0GENERAL',
          channel_name: 'general',
          user_id: person.id,
          user_name: person.name ?? person.id,
          command: input.command,
          text: input.text ?? '',
          api_app_id: apiAppId,
          is_enterprise_install: 'false',
          response_url: responseUrl(),
          trigger_id: input.triggerId ?? triggerId(),
        },
        signing,
      );
    },

    /** A person picks something in a modal (e.g. the model chooser). */
    viewAction(input: {
      view: Json;
      actionId: string;
      /** For selects: the chosen option's value. */
      value: string;
      /** The rest of the modal as typed so far. */
      inputs?: Record<string, TypedInput>;
      person?: SlackPerson;
    }) {
      const view = { ...input.view, state: { values: stateFor(input.view, input.inputs) } };
      const { blockId, element } = findElement(input.view, input.actionId);
      const action: Json = {
        type: element.type,
        action_id: input.actionId,
        block_id: blockId,
        action_ts: '1.2',
      };
      if (String(element.type).endsWith('select'))
        action.selected_option = { text: { type: 'plain_text', text: input.value }, value: input.value };
      else action.value = input.value;
      return transport.interactive({
        type: 'block_actions',
        team,
        user: userOf(input.person),
        api_app_id: apiAppId,
        token: 'verification-token-unused',
        container: { type: 'view', view_id: input.view.id },
        trigger_id: triggerId(),
        view,
        actions: [action],
      });
    },

    /** A person clicks a button in a channel message (e.g. Cancel on a status message). */
    messageButton(input: {
      channelId: string;
      message: { ts: string; text?: string; blocks?: unknown[] };
      actionId: string;
      person?: SlackPerson;
      /** The message is an ephemeral reply (e.g. `/reelbot jobs`), seen only by the person. */
      ephemeral?: boolean;
    }) {
      const found = (input.message.blocks as Json[] | undefined)
        ?.flatMap((block) =>
          ((block.elements as Json[] | undefined) ?? []).map((element) => ({ block, element })),
        )
        .find(({ element }) => element.action_id === input.actionId);
      if (!found) throw new Error(`signed-client: no button ${input.actionId} in the message`);
      return transport.interactive({
        type: 'block_actions',
        team,
        user: userOf(input.person),
        api_app_id: apiAppId,
        token: 'verification-token-unused',
        container: {
          type: 'message',
          message_ts: input.message.ts,
          channel_id: input.channelId,
          is_ephemeral: input.ephemeral ?? false,
        },
        channel: { id: input.channelId, name: 'general' },
        message: {
          type: 'message',
          ts: input.message.ts,
          text: input.message.text,
          blocks: input.message.blocks,
        },
        response_url: responseUrl(),
        trigger_id: triggerId(),
        actions: [
          {
            type: found.element.type,
            action_id: input.actionId,
            block_id: found.block.block_id,
            value: found.element.value,
            action_ts: '1.2',
          },
        ],
      });
    },

    /** A person types into an external_select; Bolt answers with the options. */
    blockSuggestion(input: { view: Json; actionId: string; value: string; person?: SlackPerson }) {
      const { blockId } = findElement(input.view, input.actionId);
      return transport.interactive({
        type: 'block_suggestion',
        team,
        user: userOf(input.person),
        api_app_id: apiAppId,
        token: 'verification-token-unused',
        container: { type: 'view', view_id: input.view.id },
        action_id: input.actionId,
        block_id: blockId,
        value: input.value,
        view: { ...input.view, state: { values: stateFor(input.view) } },
      });
    },

    /** A person presses the modal's submit button after typing `inputs` (keyed by block id). */
    viewSubmission(
      input: { view: Json; inputs?: Record<string, TypedInput>; person?: SlackPerson },
      signing?: Signing,
    ) {
      return transport.interactive(
        {
          type: 'view_submission',
          team,
          user: userOf(input.person),
          api_app_id: apiAppId,
          token: 'verification-token-unused',
          trigger_id: triggerId(),
          view: { ...input.view, state: { values: stateFor(input.view, input.inputs) } },
          response_urls: [],
        },
        signing,
      );
    },

    /** A person runs a message shortcut ("Animate this image") on a message. */
    messageShortcut(input: {
      callbackId: string;
      channelId?: string;
      message: { ts: string; text?: string; user?: string; files?: unknown[] };
      person?: SlackPerson;
    }) {
      return transport.interactive({
        type: 'message_action',
        token: 'verification-token-unused',
        action_ts: '1.2',
        team,
        user: userOf(input.person),
        api_app_id: apiAppId,
        channel: { id: input.channelId ?? 'C0GENERAL', name: 'general' },
        callback_id: input.callbackId,
        trigger_id: triggerId(),
        message_ts: input.message.ts,
        message: { type: 'message', user: input.message.user ?? 'U0PERSON2', ...input.message },
        response_url: responseUrl(),
      });
    },
  };
}

/**
 * Sends requests into a Bolt app the way Slack does over HTTP: form-encoded slash commands,
 * interactive payloads as `payload=<json>`, signed with the app's signing secret.
 */
export function createSignedClient(options: SignedClientOptions) {
  async function send(body: string, contentType: string, signing: Signing = 'valid'): Promise<SlackReply> {
    const nowSec = Math.floor(Date.now() / 1000);
    // reelbot refuses requests more than 5 minutes off, either way.
    const timestamp = nowSec + timestampOffsetSec[signing];
    const headers: Record<string, string> = { 'content-type': contentType };
    if (signing !== 'none') {
      const secret = signing === 'bad' ? `${options.signingSecret}-wrong` : options.signingSecret;
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = slackSignature(secret, timestamp, body);
    }
    const response = await fetch(options.url, { method: 'POST', headers, body });
    const text = await response.text();
    let json: Json = {};
    try {
      if (text) json = JSON.parse(text) as Json;
    } catch {
      json = {};
    }
    return { status: response.status, text, json, headers: response.headers };
  }
  const form = 'application/x-www-form-urlencoded';
  const transport: SlackTransport = {
    command: (fields, signing) => send(new URLSearchParams(fields).toString(), form, signing),
    interactive: (payload, signing) =>
      send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), form, signing),
  };
  return { send, ...createPayloadClient(transport, options) };
}

/** The same person-level actions, delivered as Socket Mode envelopes; the reply is the app's ack. */
export function createSocketClient(socket: FakeSocketMode, options: PayloadOptions = {}) {
  const reply = (ack: SocketAck): SlackReply => {
    const json = (ack.payload ?? {}) as Json;
    return { status: 200, text: JSON.stringify(json), json };
  };
  const transport: SlackTransport = {
    command: async (fields) => reply(await socket.send('slash_commands', fields)),
    interactive: async (payload) => reply(await socket.send('interactive', payload)),
  };
  return createPayloadClient(transport, options);
}

function findElement(view: Json, actionId: string): { blockId: string; element: Json } {
  for (const block of (view.blocks as Json[] | undefined) ?? []) {
    const elements = [block.element, block.accessory, ...((block.elements as unknown[] | undefined) ?? [])];
    for (const element of elements as (Json | undefined)[]) {
      if (element?.action_id === actionId) return { blockId: block.block_id as string, element };
    }
  }
  throw new Error(`signed-client: no element with action_id ${actionId} in the view`);
}

export type SignedClient = ReturnType<typeof createSignedClient>;
export type SocketClient = ReturnType<typeof createSocketClient>;
