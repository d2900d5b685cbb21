import { AttachmentError, ValidationError } from '../../../core/errors.js';
import { truncate } from '../../../core/forms/text.js';
import { slackModelBlockId } from '../form/index.js';
import { plainWords } from '../slack-errors.js';

/** `response_action: errors`: a message per input block, keyed by block id. */
export type BlockErrors = Record<string, string>;

/** Slack shows these under the input; long ones are cut. */
const errorMax = 300;

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Puts each problem on the block of its field (block ids are field names). A problem for no
 * block on screen, and any other error, goes on the model chooser, which every reelbot form has.
 * `imageBlock` receives attachment errors.
 */
export function blockErrorsOf(error: unknown, blockIds: Set<string>, imageBlock?: string): BlockErrors {
  const errors: BlockErrors = {};
  const add = (blockId: string, message: string) => {
    const target = blockIds.has(blockId) ? blockId : slackModelBlockId;
    errors[target] = truncate(
      errors[target] ? `${errors[target]}; ${message}` : capitalised(message),
      errorMax,
    );
  };
  if (error instanceof ValidationError) {
    for (const problem of error.problems) add(problem.field, problem.message);
  } else if (error instanceof AttachmentError && imageBlock) {
    add(imageBlock, plainWords(error));
  } else {
    add(imageBlock ?? slackModelBlockId, plainWords(error));
  }
  return errors;
}
