import { SimulationError } from '../core/errors.js';

/**
 * The error a canceled simulation ends with. It lives apart from the pipeline so that the bot's
 * process can use it without loading headless-gl, which only the render worker needs.
 */
export function canceled(cause?: unknown): SimulationError {
  return new SimulationError('SIMULATION_CANCELED', 'The simulation was canceled', {
    cause,
    userMessage: 'The simulation was canceled.',
  });
}
