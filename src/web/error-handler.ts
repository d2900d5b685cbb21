import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { codeOf, NotFoundError, ReelbotError, ValidationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { errorPage } from './views/error-page.js';
import type { PageContext } from './views/layout.js';

/** Sentences for client errors raised by express and body parsers; their own texts may carry internals. */
const clientErrorMessages: Record<number, string> = {
  400: 'The request is malformed.',
  405: 'That method is not allowed here.',
  413: 'The request body is too large.',
  415: 'That content type is not supported.',
};

const serverErrorMessage = 'Something went wrong on our side. Please try again.';

interface HttpFailure {
  status: number;
  code: string;
  message: string;
}

function describe(error: unknown): HttpFailure {
  if (error instanceof ValidationError)
    return { status: 400, code: error.code, message: error.problems.map((p) => p.message).join('; ') };
  if (error instanceof NotFoundError) return { status: 404, code: error.code, message: error.userMessage };
  if (error instanceof ReelbotError && error.code === 'CONFLICT')
    return { status: 409, code: error.code, message: error.userMessage };
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, code: 'BAD_REQUEST', message: clientErrorMessages[status] ?? clientErrorMessages[400]! };
  return { status: 500, code: 'INTERNAL', message: serverErrorMessage };
}

function wantsJson(req: Request): boolean {
  if (/^\/(api|webhooks|events|healthz)(\/|$)/.test(req.path)) return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** Turns any unmatched route into a 404 the error handler renders. */
export const notFound: RequestHandler = (req) => {
  throw new NotFoundError('page', req.path);
};

/**
 * The last middleware: logs the error with its stack, answers with a stable code and a friendly
 * sentence. No stack trace or internal message ever reaches a client.
 */
export function errorHandler(logger: Logger, pageContext: () => PageContext): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const failure = describe(error);
    if (failure.status >= 500)
      logger.error({ err: error, code: codeOf(error), method: req.method, path: req.path }, 'request failed');
    else logger.debug({ code: failure.code, status: failure.status, path: req.path }, failure.message);
    if (res.headersSent) {
      // Half a response cannot be turned into an error page: cut the connection so the client sees it failed.
      res.destroy();
      return;
    }
    res.status(failure.status).setHeader('Cache-Control', 'no-store');
    if (wantsJson(req)) {
      res.json({ error: { code: failure.code, message: failure.message } });
      return;
    }
    res.type('html').send(errorPage(pageContext(), failure.status, failure.message).value);
  };
}
