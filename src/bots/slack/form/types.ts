/** A Slack plain_text object. */
export interface SlackText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface SlackOption {
  text: SlackText;
  value: string;
  description?: SlackText;
}

/** The elements reelbot puts in input blocks (raw Block Kit JSON). */
export type SlackElement = { type: string; action_id: string } & Record<string, unknown>;

export interface SlackInputBlock {
  type: 'input';
  block_id: string;
  label: SlackText;
  hint?: SlackText;
  optional?: boolean;
  dispatch_action?: boolean;
  element: SlackElement;
}

export interface SlackContextBlock {
  type: 'context';
  block_id?: string;
  elements: ({ type: 'mrkdwn'; text: string } | SlackText)[];
}

export type SlackBlock = SlackInputBlock | SlackContextBlock;

/** A `views.open` / `views.update` view of type modal. */
export interface SlackModalView {
  type: 'modal';
  callback_id: string;
  title: SlackText;
  submit: SlackText;
  close: SlackText;
  private_metadata?: string;
  blocks: SlackBlock[];
}

/** The model a form is for: a ref, or a catalog entry. */
export type SlackFormModel = string | { ref: string; name?: string; description?: string };
