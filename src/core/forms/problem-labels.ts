import type { FieldProblem } from '../errors.js';
import { ValidationError } from '../errors.js';

/**
 * Problems as a form shows them. Coercion names an input by its schema name (`infer_steps`), which
 * the command line and the API take; a form shows the input's label ("Infer Steps"), so a message
 * that starts with the name starts with the label instead. Other errors are returned as they are.
 */
export function withFieldLabels(error: unknown, labelOf: (field: string) => string | undefined): unknown {
  if (!(error instanceof ValidationError)) return error;
  const problems: FieldProblem[] = error.problems.map((problem) => {
    const label = labelOf(problem.field);
    if (!label || !problem.message.startsWith(`${problem.field} `)) return problem;
    return { ...problem, message: `${label}${problem.message.slice(problem.field.length)}` };
  });
  return new ValidationError(problems);
}
