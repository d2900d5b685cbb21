import { createHash } from 'node:crypto';
import { checkModal } from './block-limits.js';
import { type MethodHandler, requireString, SlackApiFault } from './method-types.js';
import type { FakeView, FakeWorkspace } from './workspace.js';

function hashOf(view: unknown): string {
  return createHash('sha1').update(JSON.stringify(view)).digest('hex').slice(0, 16);
}

function validated(view: unknown): Record<string, unknown> {
  const problems = checkModal(view);
  if (problems.length > 0)
    throw new SlackApiFault('invalid_arguments', { response_metadata: { messages: problems } });
  return view as Record<string, unknown>;
}

/** The view as Slack returns it: what the app sent plus id, hash, state and app fields. */
export function viewJson(workspace: FakeWorkspace, view: FakeView) {
  return {
    ...view.view,
    id: view.id,
    hash: view.hash,
    team_id: workspace.teamId,
    app_id: workspace.appId,
    bot_id: workspace.botId,
    private_metadata: view.view.private_metadata ?? '',
    callback_id: view.view.callback_id ?? '',
    state: { values: {} },
    root_view_id: view.id,
    previous_view_id: null,
    external_id: view.view.external_id ?? '',
  };
}

export const viewMethods: Record<string, MethodHandler> = {
  'views.open': ({ args, workspace }) => {
    const triggerId = requireString(args, 'trigger_id');
    // Slack's trigger ids look like 1234567890.123456789.0123456789abcdef and live 3 seconds.
    if (!/^\d+\.\d+\.[0-9a-f]+$/.test(triggerId)) throw new SlackApiFault('invalid_trigger_id');
    const view = validated(args.view);
    const stored: FakeView = { id: workspace.nextId('V'), hash: hashOf(view), view };
    workspace.views.set(stored.id, stored);
    return { ok: true, view: viewJson(workspace, stored) };
  },

  'views.update': ({ args, workspace }) => {
    const id = typeof args.view_id === 'string' ? args.view_id : undefined;
    const externalId = typeof args.external_id === 'string' ? args.external_id : undefined;
    const stored = id
      ? workspace.views.get(id)
      : [...workspace.views.values()].find((v) => v.view.external_id === externalId);
    if (!stored) throw new SlackApiFault('not_found');
    if (typeof args.hash === 'string' && args.hash !== stored.hash) throw new SlackApiFault('hash_conflict');
    const view = validated(args.view);
    stored.view = view;
    stored.hash = hashOf(view);
    return { ok: true, view: viewJson(workspace, stored) };
  },
};
